package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.model.api.HostView;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.json.Json;
import dev.cutover.server.Main;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cutover logs}, {@code cutover exec} and {@code cutover hosts} against a real server running the Python
 * example (web and worker). One server for all tests; they run in order because the follow test deploys v2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogsAndExecIT {

    static final Duration PATIENCE = Duration.ofSeconds(90);
    /** No watch at the end of a deployment: not what these tests are about (FailuresIT tests it). */
    static final String MANIFEST = """
            processes:
              web:    { command: "python3 app.py", instances: 1 }
              worker: { command: "HEARTBEAT_INTERVAL=300ms exec python3 worker.py", instances: 1 }
            health: { path: /health, interval: 300ms, timeout: 1s, healthy-threshold: 1 }
            deploy: { stop-timeout: 10s, deadline: 60s, watch: 0s }
            """;

    RunningServer server;
    Path app;

    @BeforeAll
    void deployV1(@TempDir Path tmp) throws Exception {
        app = RunningServer.example(tmp, "hello-python", "app");
        RunningServer.writeManifest(app, MANIFEST);
        server = RunningServer.start(tmp);
        var v1 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait");
        assertThat(v1.exit()).as(v1.all()).isZero();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSingletonWorkerThatTakesItsTimeToStopIsReplacedOnlyOnceItHasExited(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello-python", "singleton");
        // the worker finishes its job for 2 s after its stop signal
        RunningServer.writeManifest(app, """
                processes:
                  web: { command: "python3 app.py", instances: 1 }
                  worker: { command: "trap 'sleep 2; exit 0' INT TERM; while :; do sleep 0.1; done", instances: 1 }
                health: { path: /health, interval: 300ms, timeout: 1s, healthy-threshold: 1 }
                deploy: { stop-timeout: 10s, deadline: 60s, watch: 0s }
                """);
        var v1 = server.cli("deploy", app.toString(), "--to", "singleton", "--version", "v1", "--wait");
        assertThat(v1.exit()).as(v1.all()).isZero();
        String old = server.status("singleton").instances().stream().filter(i -> i.type().equals("worker"))
                .findFirst().orElseThrow().id();

        var v2 = server.cli("deploy", app.toString(), "--to", "singleton", "--version", "v2", "--wait");

        assertThat(v2.exit()).as(v2.all()).isZero();
        assertThat(v2.out()).containsSubsequence("stopped " + old + " (v1 worker)",
                "v2's worker starts once " + old + " has exited (overlap: never)", old + ": stopped by INT after 2.",
                "launched ").containsPattern("launched d\\d+-worker-\\d+ \\(v2 worker\\)");
        String out = v2.out();
        assertThat(out.indexOf(old + ": stopped by INT")).as("the new worker launched after the old one exited")
                .isLessThan(out.indexOf("(v2 worker)\n"));
    }

    @Test
    void logsOfAnEnvironmentWhoseFirstDeployFailedShowTheInstancesThatRanAndSaySo(@TempDir Path tmp)
            throws Exception {
        Path sick = RunningServer.example(tmp, "hello-python", "sick");
        RunningServer.writeManifest(sick, """
                processes:
                  web: { command: "HEALTH_FAIL=1 exec python3 app.py", instances: 1 }
                health: { path: /health, interval: 300ms, timeout: 1s }
                deploy: { deadline: 2s }
                """);
        var deploy = server.cli("deploy", sick.toString(), "--to", "sick", "--version", "v1", "--wait");
        assertThat(deploy.exit()).as(deploy.all()).isEqualTo(1);
        // the failed instance may still be finishing its stop signal
        await().atMost(PATIENCE).until(() -> server.status("sick").instances().isEmpty());
        String id = server.status("sick").stopped().getFirst().id();

        var logs = server.cli("logs", "sick");
        assertThat(logs.exit()).as(logs.all()).isZero();
        assertThat(logs.err()).contains("note: no instance of sick/production is running; the logs of those stopped in "
                + "the last two minutes: " + id);
        assertThat(logs.out()).contains("[" + id + "] hello-python v1 listening on");
        var web = server.cli("logs", "sick", "--type", "web");
        assertThat(web.exit()).as(web.all()).isZero();
        assertThat(web.out()).contains("[" + id + "] hello-python v1 listening on");

        // an instance is read as one of the environment named, and of no other
        var own = server.cli("logs", "sick", "--instance", id);
        assertThat(own.exit()).as(own.all()).isZero();
        assertThat(own.out()).contains("hello-python v1 listening on");
        var other = server.cli("logs", "shop", "--instance", id);
        assertThat(other.exit()).as(other.all()).isEqualTo(2);
        assertThat(other.out()).isEmpty();
        assertThat(other.err()).contains("no instance or release command run " + id + " in shop/production (cutover "
                + "status shop/production lists its instances; dN-release is the release command of its deployment N)");
    }

    @Test
    @Order(1)
    void logsMergesInstancesWithAPrefixAndFiltersByType() {
        String web = instance("web");
        String worker = instance("worker");
        await().atMost(PATIENCE).untilAsserted(() -> {
            var all = server.cli("logs", "shop", "-n", "200");
            assertThat(all.exit()).as(all.all()).isZero();
            assertThat(all.out()).contains("[" + web + "] hello-python v1 listening on").contains("[" + worker + "] worker v1 heartbeat");
        });

        await().atMost(PATIENCE).untilAsserted(() -> { // the worker prints a heartbeat every 300ms
            var workers = server.cli("logs", "shop", "--type", "worker", "-n", "5");
            assertThat(workers.out().lines().toList()).hasSize(5)
                    .allMatch(l -> l.startsWith("[" + worker + "] worker v1"));
        });

        var unknownType = server.cli("logs", "shop", "--type", "nosuch");
        assertThat(unknownType.exit()).as(unknownType.all()).isEqualTo(2);
        // no release command in this manifest: no 'release' type to read
        assertThat(unknownType.err()).contains("--type: 'nosuch' (expected one of: web, worker)");

        var timed = server.cli("logs", "shop", "--type", "web", "-t", "-n", "1");
        assertThat(timed.out()).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[" + web + "] hello-python v1 .*");

        var json = server.cli("logs", "shop", "--type", "worker", "-n", "3", "--output", "json");
        assertThat(json.exit()).as(json.all()).isZero();
        assertThat(json.out().lines().toList()).hasSize(3).allSatisfy(line -> {
            JsonNode l = Json.mapper().readTree(line);
            assertThat(l.get("instance").asText()).isEqualTo(worker);
            assertThat(l.get("text").asText()).startsWith("worker v1 heartbeat");
            assertThat(Instant.parse(l.get("time").asText())).isBefore(Instant.now().plusSeconds(1));
        });
    }

    @Test
    @Order(2)
    void sinceShowsOnlyRecentLines() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(server.cli("logs", "shop", "--type", "web", "--since", "1h").out()).contains("hello-python v1 listening on"));
        Thread.sleep(3000); // the web instance prints nothing while no request comes
        var recent = server.cli("logs", "shop", "--since", "2s");
        assertThat(recent.exit()).as(recent.all()).isZero();
        assertThat(recent.out()).doesNotContain("listening on").contains("worker v1 heartbeat");
        assertThat(server.cli("logs", "shop", "--since", "soon").exit()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void followPrintsNewInstancesOfADeployAndEndsOldOnes() throws Exception {
        String v1Web = instance("web");
        String v1Worker = instance("worker");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        Thread follow = Thread.ofPlatform().name("logs-f").start(() -> cl.execute("logs", "shop", "-f", "--type", "web",
                "--api", server.controller.apiUrl(), "--token", server.controller.token()));
        try {
            await().atMost(PATIENCE).until(() -> out.toString().contains("hello-python v1 listening on"));

            var v2 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--wait");
            assertThat(v2.exit()).as(v2.all()).isZero();
            String v2Web = instance("web");
            // the worker is a singleton (overlap: never by default): the new one starts once the old one has exited
            assertThat(v2.out()).containsSubsequence("stopped " + v1Worker + " (v1 worker)",
                    "v2's worker starts once " + v1Worker + " has exited (overlap: never)", v1Worker + ": stopped by ",
                    "launched " + instance("worker"));

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(out.toString())
                    .contains("[" + v2Web + "] hello-python v2 listening on")
                    .contains("[" + v1Web + "] hello-python v1 stopped")
                    .contains("[" + v1Web + "] (ended)"));
            String text = out.toString();
            assertThat(text.indexOf("hello-python v1 listening on")).isLessThan(text.indexOf("hello-python v2 listening on"));
            assertThat(text).doesNotContain("worker v");
        } finally {
            follow.interrupt();
            follow.join(30_000);
        }
        assertThat(follow.isAlive()).isFalse();
    }

    @Test
    @Order(4)
    void execRunsInTheReleaseWithItsEnvironmentAndExitsWithItsCode() {
        var r = exec("shop", "--", "sh", "-c",
                "echo \"version=$CUTOVER_VERSION app=$CUTOVER_APP port=${PORT:-none}\"; ls; echo oops >&2; exit 3");

        assertThat(r.exit()).as(r.all()).isEqualTo(3);
        assertThat(r.out()).contains("version=v2 app=shop port=none").contains("app.py").contains("worker.py")
                .doesNotContain("oops");
        assertThat(r.err()).isEqualTo("oops\n");
    }

    @Test
    @Order(5)
    void execLikeAChosenInstanceAndWithLongOutput() {
        String worker = instance("worker");
        var r = exec("shop", "--instance", worker, "--", "sh", "-c",
                "echo $CUTOVER_INSTANCE; seq 1 20000");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("exec-");
        assertThat(lines.subList(1, lines.size())).hasSize(20000).startsWith("1", "2").endsWith("20000");
    }

    @Test
    @Order(6)
    void execPassesStdinWithDashI() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("hello\nworld\n".getBytes(StandardCharsets.UTF_8)));
            var r = exec("shop", "-i", "--", "tr", "a-z", "A-Z");
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.out()).isEqualTo("HELLO\nWORLD\n");
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    @Order(7)
    void execOfAProgramThatDoesNotExistExits127AndSaysWhy() {
        var missing = exec("shop", "--", "no-such-program", "--flag");
        assertThat(missing.exit()).isEqualTo(127);
        assertThat(missing.err()).startsWith("no-such-program: No such file or directory: not found on the release's "
                + "PATH (").doesNotContain("setsid");
        var missingPath = exec("shop", "--", "./bin/nope");
        assertThat(missingPath.exit()).isEqualTo(127);
        assertThat(missingPath.err()).isEqualTo("./bin/nope: No such file or directory\n");
        assertThat(missingPath.out()).isEmpty();

        var unknownEnv = exec("nope", "--", "true");
        assertThat(unknownEnv.exit()).isEqualTo(2);
        assertThat(unknownEnv.err()).contains("no environment nope/production");

        var unknownInstance = exec("shop", "--instance", "web-zzz", "--", "true");
        assertThat(unknownInstance.exit()).isEqualTo(2);
        assertThat(unknownInstance.err()).contains("instance: web-zzz");
    }

    @Test
    @Order(8)
    void execRunAsAProgramWritesTheCommandsStandardOutputByteForByteAndItsStandardErrorApart() throws Exception {
        // the cutover program itself, as a user runs it: `cutover exec shop -- ... > dump.bin`
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "exec", "shop",
                "--api", server.controller.apiUrl(), "--token", server.controller.token(), "--", "python3", "-c",
                "import sys; sys.stdout.buffer.write(bytes(range(256)) * 64); sys.stderr.write('dumped\\n')"));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofPlatform().daemon(true).name("exec-stderr").start(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                err.completeExceptionally(e);
            }
        });
        var out = new java.util.concurrent.CompletableFuture<byte[]>();
        Thread.ofPlatform().daemon(true).name("exec-stdout").start(() -> {
            try {
                out.complete(p.getInputStream().readAllBytes());
            } catch (java.io.IOException e) {
                out.completeExceptionally(e);
            }
        });
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cutover exec did not end within 60 s");
        }

        byte[] expected = new byte[256 * 64];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
        }
        assertThat(p.exitValue()).as(err.get()).isZero();
        assertThat(out.get()).isEqualTo(expected);
        assertThat(err.get()).isEqualTo("dumped\n");
    }

    @Test
    @Order(9)
    void hostsShowsTheLocalHostAndWhatEachInstanceThereUses() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<String, Long> pids = new TreeMap<>();
            server.status("shop").instances().forEach(i -> pids.put(i.id(), i.pid()));
            var json = server.cli("hosts", "local", "--output", "json");
            assertThat(json.exit()).as(json.all()).isZero();
            HostView host = Json.mapper().readValue(json.out(), HostView.class);
            assertThat(host.state()).isEqualTo("up");
            assertThat(host.address()).isEqualTo("127.0.0.1");
            assertThat(host.revisionApplied()).isPositive().isEqualTo(host.revisionHanded());
            assertThat(host.cpus()).isPositive();
            assertThat(host.memoryAvailable()).isPositive().isLessThanOrEqualTo(host.memoryTotal());
            assertThat(host.diskFree()).isPositive().isLessThanOrEqualTo(host.diskTotal());
            Map<String, Long> onHost = new TreeMap<>();
            host.instances().forEach(i -> onHost.put(i.id(), i.pid()));
            assertThat(onHost).isEqualTo(pids).hasSize(2);
            assertThat(host.instances()).allSatisfy(i -> {
                assertThat(i.app() + "/" + i.env()).isEqualTo("shop/production");
                assertThat(i.memory()).as("resident bytes of " + i.id()).isGreaterThan(1 << 20);
                assertThat(i.processes()).isPositive();
            });
        });

        var list = server.cli("hosts");
        assertThat(list.exit()).as(list.all()).isZero();
        assertThat(list.out()).containsPattern("(?m)^local +127\\.0\\.0\\.1 +up +2 ");
        var detail = server.cli("hosts", "local");
        assertThat(detail.out()).contains("desired:    revision").contains("shop/production")
                .contains(instance("web")).contains(instance("worker"));
        var all = server.cli("hosts", "--output", "json");
        assertThat(Json.mapper().readTree(all.out()).get(0).get("name").asText()).isEqualTo("local");

        var unknown = server.cli("hosts", "nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no such host: nope (expected one of: local)");
    }

    /** {@code cutover exec ARGS} with the API options before {@code --}, where the command begins. */
    private RunningServer.Cli exec(String... args) {
        List<String> all = new ArrayList<>(List.of("exec", "--api", server.controller.apiUrl(), "--token",
                server.controller.token()));
        all.addAll(List.of(args));
        return RunningServer.cliWithoutCredentials(all.toArray(String[]::new));
    }

    private String instance(String type) {
        List<String> ids = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            ids.clear();
            server.status("shop").instances().stream()
                    .filter(i -> i.type().equals(type) && i.routing().equals("active") || i.type().equals(type)
                            && type.equals("worker") && i.phase().equals("running"))
                    .map(InstanceView::id).forEach(ids::add);
            return ids.size() == 1;
        });
        return ids.get(0);
    }
}
