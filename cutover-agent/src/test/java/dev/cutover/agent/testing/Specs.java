package dev.cutover.agent.testing;

import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.agent.RunSpec;
import dev.cutover.model.manifest.HealthSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Valid-by-default instance specs that a test adjusts with {@code with...}. */
public final class Specs {

    /** Fast probes so that tests do not wait long for health. */
    public static final HealthSpec HTTP = new HealthSpec("/health", Duration.ofMillis(200), Duration.ofSeconds(1), 2, 2);
    public static final HealthSpec TCP = new HealthSpec(null, Duration.ofMillis(200), Duration.ofSeconds(1), 2, 2);

    /**
     * A tiny HTTP server on $PORT: {@code /health} answers 503 while a file named {@code fail} exists in the working
     * directory, 200 otherwise.
     */
    public static final String SERVER_PY = """
            import http.server, os
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    code = 503 if os.path.exists("fail") else 200
                    self.send_response(code)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                def log_message(self, *args):
                    pass
            print("listening on", os.environ["PORT"], flush=True)
            http.server.HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
            """;

    public static final String RUN_SH = "#!/bin/sh\necho run.sh ran\nexec sleep 1000\n";

    /** The app bundle most tests run. */
    public static byte[] appBundle() {
        return TestArchives.tarGz(w -> w.dir("bin").file("server.py", SERVER_PY, 0644).file("bin/run.sh", RUN_SH, 0755));
    }

    private Specs() {}

    public static InstanceSpec web(String id, String build) {
        return new InstanceSpec(id, "shop", "production", 3, "1.4.2", "web", "exec python3 server.py", build,
                Map.of("FOO", "bar"), HTTP, List.of("INT", "KILL"), Duration.ofSeconds(5));
    }

    public static InstanceSpec worker(String id, String build, String command) {
        return new InstanceSpec(id, "shop", "production", 3, "1.4.2", "worker", command, build, Map.of(), null,
                List.of("TERM", "KILL"), Duration.ofSeconds(5));
    }

    /** A one-off run of the release {@link #web} runs, with its config. */
    public static RunSpec run(String id, String build, String command) {
        return new RunSpec(id, "shop", "production", 3, "1.4.2", command, build, Map.of("FOO", "bar"),
                Duration.ofSeconds(5));
    }

    public static InstanceSpec withCommand(InstanceSpec s, String command) {
        return new InstanceSpec(s.id(), s.app(), s.env(), s.release(), s.version(), s.processType(), command, s.build(),
                s.environment(), s.health(), s.stopSignals(), s.stopTimeout());
    }

    public static InstanceSpec withHealth(InstanceSpec s, HealthSpec health) {
        return new InstanceSpec(s.id(), s.app(), s.env(), s.release(), s.version(), s.processType(), s.command(),
                s.build(), s.environment(), health, s.stopSignals(), s.stopTimeout());
    }

    public static InstanceSpec withStop(InstanceSpec s, List<String> signals, Duration timeout) {
        return new InstanceSpec(s.id(), s.app(), s.env(), s.release(), s.version(), s.processType(), s.command(),
                s.build(), s.environment(), s.health(), signals, timeout);
    }

    public static InstanceSpec withBuild(InstanceSpec s, String build) {
        return new InstanceSpec(s.id(), s.app(), s.env(), s.release(), s.version(), s.processType(), s.command(),
                build, s.environment(), s.health(), s.stopSignals(), s.stopTimeout());
    }
}
