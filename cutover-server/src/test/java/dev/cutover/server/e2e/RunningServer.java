package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.json.Json;
import dev.cutover.server.Controller;
import dev.cutover.server.Main;
import dev.cutover.server.ServerConfig;
import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * A real {@code cutover server} (controller, router, agent, SQLite store) on free ports in a temporary directory,
 * driven through the real CLI over HTTP. Closing stops every app process it started.
 */
final class RunningServer implements AutoCloseable {

    /**
     * How the tests run examples/hello: as classes compiled once (see {@link #example}), on this JVM's {@code java},
     * C1 only. It listens in about 0.3 s, where {@code java Hello.java} compiles the source at every start and takes
     * 2-3 s of a core to listen: time every deployment of every test would wait for.
     */
    static final String HELLO = Path.of(System.getProperty("java.home"), "bin", "java")
            + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp . Hello";

    /** Two web instances of {@link #HELLO}, quick probes, and no watch at the end of a deployment. */
    static final String TWO_HELLOS = """
            processes:
              web: { command: "exec %s", instances: 2 }
            health: { path: /health, interval: 500ms, timeout: 1s, healthy-threshold: 2 }
            deploy: { stop-timeout: 20s, deadline: 60s, watch: 0s }
            """.formatted(HELLO);

    private static Path helloClasses;

    final Controller controller;
    final Path dir;

    private RunningServer(Controller controller, Path dir) {
        this.controller = controller;
        this.dir = dir;
    }

    static RunningServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /** With an HTTPS listener too; {@code tls} null for none. */
    static RunningServer start(Path dir, dev.cutover.router.tls.TlsConfig tls) throws IOException, InterruptedException {
        return start(new ServerConfig(dir.resolve("data"), "127.0.0.1", 0, "127.0.0.1", 0, "localhost",
                Clock.systemUTC(), tls, 0), dir);
    }

    /** With {@code config}, whose data directory is under {@code dir}. */
    static RunningServer start(ServerConfig config, Path dir) throws IOException, InterruptedException {
        System.setProperty("CUTOVER_HOME", dir.resolve("home").toString());
        return new RunningServer(Controller.start(config), dir);
    }

    record Cli(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** Runs a {@code cutover} command against this server and captures what it prints. */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--api", controller.apiUrl(), "--token", controller.token()));
        return cliWithoutCredentials(all.toArray(String[]::new));
    }

    static Cli cliWithoutCredentials(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    EnvStatus status(String app) {
        Cli r = cli("status", app, "--output", "json");
        if (r.exit() != 0) {
            throw new AssertionError("status failed: " + r.all());
        }
        try {
            return Json.mapper().readValue(r.out(), EnvStatus.class);
        } catch (IOException e) {
            throw new AssertionError("status printed no JSON: " + r.out(), e);
        }
    }

    /** A GET of the API, as JSON into {@code type}. */
    <T> T api(String path, Class<T> type) throws IOException, InterruptedException {
        return api(controller.apiUrl(), controller.token(), path, type);
    }

    static <T> T api(String apiUrl, String token, String path, Class<T> type) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(apiUrl + path))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
            }
            return Json.mapper().readValue(r.body(), type);
        }
    }

    List<Long> pids(String app, int release) {
        return status(app).instances().stream().filter(i -> i.release() == release).map(InstanceView::pid).toList();
    }

    static String host(String app) {
        return app + "-production.localhost";
    }

    LoadClient.Builder load(String app, LoadClient.Mode mode, int workers) {
        return LoadClient.to("127.0.0.1", controller.httpPort()).hostHeader(host(app)).path("/").mode(mode)
                .workers(workers).countHeader("X-App-Version").deadline(Duration.ofMinutes(3))
                .readTimeout(Duration.ofSeconds(30));
    }

    /**
     * Stops the load clients, waits for their results, and checks that none of their requests failed and that,
     * together, more than 100 succeeded (so that the load ran at all).
     */
    static void expectNoFailedRequest(LoadClient... clients) throws InterruptedException {
        for (LoadClient c : clients) {
            c.stop();
        }
        long succeeded = 0;
        for (LoadClient c : clients) {
            LoadResult r = c.await();
            assertThat(r.failed()).as(r.summary()).isZero();
            succeeded += r.succeeded();
        }
        assertThat(succeeded).as("requests that succeeded").isGreaterThan(100);
    }

    record Response(int status, Map<String, String> headers, String body) {}

    /** One GET through the router with the environment's Host header, on a fresh connection. */
    Response get(String app, String path) throws IOException {
        return get(controller.httpPort(), host(app), path);
    }

    static Response get(int port, String host, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            String[] head = raw.substring(0, split).split("\r\n");
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim(), head[i].substring(colon + 1).trim());
            }
            String body = raw.substring(split + 4);
            if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
                StringBuilder sb = new StringBuilder();
                int at = 0;
                while (true) {
                    int eol = body.indexOf("\r\n", at);
                    int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    sb.append(body, eol + 2, eol + 2 + size);
                    at = eol + 2 + size + 2;
                }
                body = sb.toString();
            }
            return new Response(Integer.parseInt(head[0].split(" ")[1]), headers, body);
        }
    }

    /** A copy of an example app that a test may change; a copy of hello has its classes too, for {@link #HELLO}. */
    static Path example(Path dir, String name, String copyAs) throws IOException {
        Path source = Path.of("..", "examples", name).toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) {
            throw new IOException("no example app at " + source);
        }
        Path target = dir.resolve(copyAs);
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        if (name.equals("hello")) {
            try (Stream<Path> classes = Files.list(helloClasses(source))) {
                for (Path c : classes.toList()) {
                    Files.copy(c, target.resolve(c.getFileName().toString()));
                }
            }
        }
        return target;
    }

    private static synchronized Path helloClasses(Path source) throws IOException {
        if (helloClasses == null) {
            Path out = Files.createDirectories(Path.of("target", "hello-classes").toAbsolutePath());
            var errors = new java.io.ByteArrayOutputStream();
            int exit = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, errors, "-nowarn", "-d",
                    out.toString(), source.resolve("Hello.java").toString());
            if (exit != 0) {
                throw new IOException("examples/hello/Hello.java did not compile (javac exit " + exit + "):\n"
                        + errors.toString(StandardCharsets.UTF_8));
            }
            helloClasses = out;
        }
        return helloClasses;
    }

    static void writeManifest(Path app, String yaml) throws IOException {
        Files.writeString(app.resolve("cutover.yml"), yaml);
    }

    @Override
    public void close() {
        controller.stopAllApps(Duration.ofSeconds(60));
        controller.close();
    }
}
