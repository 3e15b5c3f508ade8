package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.HostView;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.json.Json;
import dev.cutover.server.control.HostContact;
import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as its own process: started by a script in the background, and killed mid-deploy. */
class ServerProcessIT {

    /** No watch at the end of a deployment: not what these tests are about (FailuresIT tests it). */
    private static final String MANIFEST = """
            processes:
              web: { command: "%s", instances: 2 }
            health: { path: /health, interval: 500ms, timeout: 1s, healthy-threshold: 2 }
            deploy: { stop-timeout: 60s, deadline: 60s, watch: 0s }
            """.formatted(RunningServer.HELLO);

    @Test
    void aServerStartedInTheBackgroundWithSigintIgnoredStillStopsAppsWithSigint(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST);
        try (ServerProcess server = ServerProcess.start(tmp, "env", "--ignore-signal=INT,QUIT")) {
            assertThat(server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait").exit()).isZero();
            List<String> v1 = status(server).instances().stream().map(InstanceView::id).toList();
            var v2 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--wait");
            assertThat(v2.exit()).as(v2.all()).isZero();
            for (String id : v1) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(server.cli("logs", "shop", "--instance", id, "-n", "50").out())
                                .as("the app saw SIGINT, drained and exited by itself").contains("hello v1 stopped"));
            }
        }
    }

    @Test
    void aServerKilledMidDeployFinishesTheDeployAfterARestartWithoutOrphansOrDuplicates(@TempDir Path tmp)
            throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST);
        try (ServerProcess server = ServerProcess.start(tmp)) {
            assertThat(server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait").exit()).isZero();
            List<Long> v1Pids = status(server).instances().stream().map(InstanceView::pid).toList();
            // the operator follows the deployment; the server dies and comes back under the watch
            CompletableFuture<RunningServer.Cli> watch = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--wait");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            // kill it once the first new instance runs, in the middle of the roll-out
            await().atMost(Duration.ofSeconds(60)).until(() -> status(server).instances().stream()
                    .anyMatch(i -> i.release() == 2 && i.pid() != 0));
            server.kill9();
            server.start();

            RunningServer.Cli watched = watch.get(180, TimeUnit.SECONDS);
            assertThat(watched.exit()).as(watched.all()).isZero();
            assertThat(watched.out()).as("the watch rode out the server's absence and saw the end")
                    .contains("does not answer", "answers again", "v2 (v2) is serving shop/production");
            await().atMost(Duration.ofSeconds(120)).until(() -> status(server).deployment().finished());
            EnvStatus after = status(server);
            assertThat(after.deployment().phase()).isEqualTo("succeeded");
            assertThat(after.serving().number()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(server).instances())
                    .hasSize(2).allMatch(i -> i.release() == 2 && i.phase().equals("healthy")));
            for (long pid : v1Pids) {
                await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.of(pid).isEmpty()
                        || !ProcessHandle.of(pid).get().isAlive());
            }
            // two instances, each a shell and its java: nothing orphaned, nothing started twice
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(server.appProcesses()).hasSize(4));
            RunningServer.Response r = RunningServer.get(server.httpPort, "shop-production.localhost", "/");
            assertThat(r.headers().get("X-App-Version")).isEqualTo("v2");
        }
    }

    @Test
    void aServerKilledMidCanaryFinishesTheCanaryAfterARestart(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST);
        try (ServerProcess server = ServerProcess.start(tmp)) {
            assertThat(server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait").exit()).isZero();
            assertThat(server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--strategy", "canary",
                    "--set", "percent=25", "--set", "interval=8s").exit()).isZero();
            await().atMost(Duration.ofSeconds(90)).until(() -> status(server).deployment().step().startsWith("baking"));
            server.kill9();
            server.start();

            await().atMost(Duration.ofSeconds(120)).until(() -> status(server).deployment().finished());
            EnvStatus after = status(server);
            assertThat(after.deployment().phase()).isEqualTo("succeeded");
            assertThat(after.deployment().events()).extracting(e -> e.message())
                    .contains("25% of traffic on v2 (router acknowledged)", "v2 is serving");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(server).instances())
                    .hasSize(2).allMatch(i -> i.release() == 2 && i.phase().equals("healthy")));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(server.appProcesses()).hasSize(4));
            RunningServer.Response r = RunningServer.get(server.httpPort, "shop-production.localhost", "/");
            assertThat(r.headers().get("X-App-Version")).isEqualTo("v2");
        }
    }

    @Test
    void appsOutliveAKilledServerAndAreAdoptedWithTheirPidsUnchanged(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST);
        try (ServerProcess server = ServerProcess.start(tmp)) {
            assertThat(server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait").exit()).isZero();
            List<Long> pids = status(server).instances().stream().map(InstanceView::pid).sorted().toList();
            server.kill9();
            for (long pid : pids) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("app " + pid + " outlives the server").isTrue();
            }
            // From the restarted router's first connection on, every request reaches the apps: it serves the table
            // it had until the control loop has adopted them (before, it answered 404 for seconds).
            List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean polling = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread poller = Thread.ofPlatform().start(() -> {
                while (polling.get()) {
                    try {
                        statuses.add(RunningServer.get(server.httpPort, "shop-production.localhost", "/").status());
                    } catch (IOException refusedWhileDown) {
                        // the server is not listening yet
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            server.start();
            Thread.sleep(3000);
            polling.set(false);
            poller.join();
            assertThat(statuses).as("answers from the restarted router").isNotEmpty().containsOnly(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(server).instances())
                    .hasSize(2).allMatch(i -> i.phase().equals("healthy")));
            assertThat(status(server).instances().stream().map(InstanceView::pid).sorted().toList())
                    .as("adopted, not restarted").isEqualTo(pids);
            assertThat(status(server).instances()).allMatch(i -> i.restarts() == 0);

            LoadResult load = LoadClient.to("127.0.0.1", server.httpPort).hostHeader("shop-production.localhost")
                    .workers(4).deadline(Duration.ofSeconds(5)).countHeader("X-App-Version").run();
            assertThat(load.failed()).as(load.summary()).isZero();
            assertThat(load.succeeded()).isPositive();
            assertThat(load.headerCounts()).containsOnlyKeys("v1");
            assertThat(server.appProcesses()).as("nothing started twice").hasSize(4);
        }
    }

    @Test
    void aServerStartedOnTheSameDataDirectoryTakesOverWithoutAFailedRequest(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST);
        ServerProcess server = ServerProcess.start(tmp);
        try {
            assertThat(server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait").exit()).isZero();
            List<Long> pids = status(server).instances().stream().map(InstanceView::pid).sorted().toList();
            LoadClient keepAlive = load(server, LoadClient.Mode.KEEP_ALIVE, 4);
            LoadClient perConnection = load(server, LoadClient.Mode.NEW_CONNECTION, 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> keepAlive.snapshot().succeeded() > 200
                    && perConnection.snapshot().succeeded() > 100);

            var refused = server.takeOverOnAnotherPort(server.httpPort + 1 == server.apiPort ? server.httpPort + 2
                    : server.httpPort + 1);
            assertThat(refused.exit()).as(refused.out()).isEqualTo(2);
            assertThat(refused.out()).contains("--http-port: ").contains("but the running server's router listens on "
                    + server.httpPort).contains("it goes on serving");
            assertThat(server.alive()).isTrue();
            var otherApi = server.takeOverOn(server.httpPort, ServerProcess.freePort());
            assertThat(otherApi.exit()).as(otherApi.out()).isEqualTo(2);
            assertThat(otherApi.out()).contains("--api-port: ").contains("but the running server's API listens on "
                    + server.apiPort).contains("it goes on serving");
            assertThat(server.alive()).isTrue();
            ServerProcess asked = server; // its control loop paused for the offer, and goes on: its agent reports
            Thread.sleep(HostContact.SILENT_AFTER.toMillis());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Json.mapper().readValue(
                    asked.cli("hosts", "local", "--output", "json").out(), HostView.class).state()).isEqualTo("up"));

            ServerProcess old = server;
            server = server.takeOver();
            assertThat(old.alive()).isFalse();
            long before = keepAlive.snapshot().succeeded() + perConnection.snapshot().succeeded();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    keepAlive.snapshot().succeeded() + perConnection.snapshot().succeeded() > before + 300);
            ServerProcess now = server;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(now).instances())
                    .hasSize(2).allMatch(i -> i.phase().equals("healthy")));
            assertThat(status(server).instances().stream().map(InstanceView::pid).sorted().toList())
                    .as("adopted, not restarted").isEqualTo(pids);

            var v2 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--wait");
            assertThat(v2.exit()).as(v2.all()).isZero();
            RunningServer.expectNoFailedRequest(keepAlive, perConnection);
            assertThat(keepAlive.snapshot().headerCounts()).containsKeys("v1", "v2");
        } finally {
            server.close();
        }
    }

    private static LoadClient load(ServerProcess server, LoadClient.Mode mode, int workers) {
        return LoadClient.to("127.0.0.1", server.httpPort).hostHeader("shop-production.localhost").mode(mode)
                .workers(workers).countHeader("X-App-Version").deadline(Duration.ofMinutes(3))
                .readTimeout(Duration.ofSeconds(30)).start();
    }

    private static EnvStatus status(ServerProcess server) throws Exception {
        var r = server.cli("status", "shop", "--output", "json");
        return Json.mapper().readValue(r.out(), EnvStatus.class);
    }
}
