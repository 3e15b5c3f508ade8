package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.InstanceView;
import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** What happens when things go wrong: a killed instance, a release that never gets healthy, a rollback. */
class FailuresIT {

    /** A short watch at the end of each deployment; the tests that judge by the watch set theirs. */
    private static final String MANIFEST = """
            processes:
              web: { command: "%s", instances: 2 }
            health: { path: /health, interval: 500ms, timeout: 1s, healthy-threshold: 2, unhealthy-threshold: 2 }
            deploy: { stop-timeout: 20s, deadline: %s, watch: 1s }
            """;

    @Test
    void aKilledInstanceIsRestartedAndNoRequestFails(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST.formatted("exec " + RunningServer.HELLO, "60s"));
        try (RunningServer server = RunningServer.start(tmp)) {
            deployV1(server, app);
            InstanceView victim = server.status("shop").instances().get(0);

            LoadClient keepAlive = server.load("shop", LoadClient.Mode.KEEP_ALIVE, 4).start();
            LoadClient perRequest = server.load("shop", LoadClient.Mode.NEW_CONNECTION, 2).start();
            Thread.sleep(2000);
            new ProcessBuilder("kill", "-9", String.valueOf(victim.pid())).start().waitFor();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                InstanceView now = instance(server.status("shop"), victim.id());
                return now.restarts() == 1 && now.phase().equals("healthy") && now.pid() != victim.pid();
            });
            Thread.sleep(2000);
            RunningServer.expectNoFailedRequest(keepAlive, perRequest);
        }
    }

    /** An app whose {@code /health} answers 503 while a file {@code sick-INSTANCE} exists in the directory given. */
    private static final String SICKLY_PY = """
            import http.server, os, socketserver
            SICK = os.path.join("%s", "sick-" + os.environ["CUTOVER_INSTANCE"])
            class H(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    code = 503 if self.path == "/health" and os.path.exists(SICK) else 200
                    self.send_response(code)
                    self.send_header("Content-Length", "3")
                    self.end_headers()
                    self.wfile.write(b"ok\\n")
                def log_message(self, *args):
                    pass
            class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
                daemon_threads = True
            S(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    @Test
    void anInstanceThatStaysUnhealthyIsRestartedWhenTheManifestSaysSoAndNoRequestFails(@TempDir Path tmp)
            throws Exception {
        Path app = Files.createDirectories(tmp.resolve("sickly"));
        Files.writeString(app.resolve("server.py"), SICKLY_PY.formatted(tmp));
        RunningServer.writeManifest(app, """
                processes:
                  web: { command: "exec python3 server.py", instances: 2 }
                health: { path: /health, interval: 300ms, unhealthy-threshold: 2, restart-after: 2s }
                deploy: { stop-timeout: 10s, deadline: 60s }
                """);
        try (RunningServer server = RunningServer.start(tmp)) {
            deployV1(server, app);
            InstanceView victim = server.status("shop").instances().get(0);

            LoadClient keepAlive = server.load("shop", LoadClient.Mode.KEEP_ALIVE, 4).start();
            LoadClient perRequest = server.load("shop", LoadClient.Mode.NEW_CONNECTION, 2).start();
            Thread.sleep(1000);
            Path sick = Files.createFile(tmp.resolve("sick-" + victim.id()));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                InstanceView now = instance(server.status("shop"), victim.id());
                // unhealthy for 2 s before its restart: meanwhile the router sends it nothing, and status says so
                return now.phase().equals("unhealthy") && now.routing().equals("held out");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> instance(server.status("shop"), victim.id()).restarts() == 1);
            Files.delete(sick);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                InstanceView now = instance(server.status("shop"), victim.id());
                return now.phase().equals("healthy") && now.pid() != victim.pid();
            });
            Thread.sleep(1000);
            RunningServer.expectNoFailedRequest(keepAlive, perRequest);
            assertThat(instance(server.status("shop"), victim.id()).restarts()).isEqualTo(1);
            assertThat(server.status("shop").instances()).hasSize(2).allMatch(i -> i.phase().equals("healthy"));
        }
    }

    @Test
    void aReleaseThatNeverGetsHealthyFailsAtItsDeadlineAndTheOldOneKeepsServing(@TempDir Path tmp) throws Exception {
        Path good = app(tmp, "good", MANIFEST.formatted("exec " + RunningServer.HELLO, "60s"));
        Path bad = app(tmp, "bad", MANIFEST.formatted("HEALTH_FAIL=1 exec " + RunningServer.HELLO, "15s"));
        try (RunningServer server = RunningServer.start(tmp)) {
            deployV1(server, good);

            LoadClient load = server.load("shop", LoadClient.Mode.KEEP_ALIVE, 4).start();
            LoadClient perRequest = server.load("shop", LoadClient.Mode.NEW_CONNECTION, 2).start();
            var deploy = server.cli("deploy", bad.toString(), "--to", "shop", "--version", "v2", "--wait");
            load.stop();
            perRequest.stop();
            LoadResult a = load.await();
            LoadResult b = perRequest.await();

            assertThat(deploy.exit()).as(deploy.all()).isEqualTo(1);
            assertThat(deploy.out())
                    .contains("FAILED and was rolled back to v1: unhealthy")
                    .contains("did not become healthy within 15.0s")
                    .contains("503 from GET /health")
                    .contains("last log lines of d2-web-1")
                    .contains("listening on");
            assertThat(a.failed()).as(a.summary()).isZero();
            assertThat(b.failed()).as(b.summary()).isZero();
            assertThat(a.headerCounts()).containsOnlyKeys("v1");
            EnvStatus status = server.status("shop");
            assertThat(status.serving().number()).isEqualTo(1);
            assertThat(status.deployment().phase()).isEqualTo("rolled-back");
            assertThat(server.cli("releases", "shop").out()).containsPattern("v2 .* its deployment rolled-back "
                    + "\\(unhealthy\\)\n").containsPattern("v1 .* serving\n");
            // the failed instance may still be finishing its stop signal
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status("shop").instances())
                    .extracting(InstanceView::release).containsOnly(1));
        }
    }

    /**
     * One batch at a time, the release goes bad while later batches roll; all in one batch, while the deployment
     * watches it at the end (deploy.watch), after the last old instance has gone.
     */
    @ParameterizedTest(name = "{0}, batch {4}")
    @CsvSource({
        "CRASH_AFTER=3s, exited, exited, CRASH_AFTER 3000ms is over, 1",
        "HEALTH_FAIL_AFTER=3s, unhealthy, turned unhealthy, 503 from GET /health, 1",
        "CRASH_AFTER=6s, exited, exited, CRASH_AFTER 6000ms is over, 100%"})
    void aReleaseThatGoesBadAfterTakingTrafficIsRolledBackBeforeTheDeploymentEnds(String setting, String reason,
            String what, String evidence, String batch, @TempDir Path tmp) throws Exception {
        String manifest = MANIFEST.replace("instances: 2", "instances: 3");
        Path good = app(tmp, "good", manifest.formatted("exec " + RunningServer.HELLO, "60s"));
        Path bad = app(tmp, "bad", manifest.formatted(setting + " exec " + RunningServer.HELLO, "60s"));
        try (RunningServer server = RunningServer.start(tmp)) {
            deployV1(server, good);

            // all in one batch, the instances must all be routed before the first crash: a longer watch than the
            // default leaves room for the time it takes three JVMs to start side by side
            var deploy = server.cli("deploy", bad.toString(), "--to", "shop", "--version", "v2", "--set",
                    "batch=" + batch, "--set", batch.equals("1") ? "watch=5s" : "watch=20s", "--wait");

            assertThat(deploy.exit()).as(deploy.all()).isEqualTo(1);
            assertThat(deploy.out())
                    .containsPattern("d2-web-1(, d2-web-\\d)* receives? traffic")
                    .contains("FAILED and was rolled back to v1: " + reason)
                    .containsPattern("d2-web-\\d " + what + " after it had passed its health checks and taken traffic: ")
                    .contains(evidence);
            if (batch.equals("100%")) {
                assertThat(deploy.out()).as("every old instance had gone before the failure")
                        .containsSubsequence("draining d1-web-1", "d1-web-3 (v1)", "v2 serves all traffic; watching it for 20.0s",
                                "failed (" + reason + ")");
            }
            EnvStatus status = server.status("shop");
            assertThat(status.serving().number()).isEqualTo(1);
            assertThat(status.deployment().reason()).isEqualTo(reason);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status("shop").instances())
                    .extracting(InstanceView::release).containsOnly(1).hasSize(3));
            assertThat(server.get("shop", "/").status()).isEqualTo(200);
        }
    }

    /**
     * In place, the watch after the last old instance has gone; blue-green, the watch at the start of keep-old, which
     * {@code deploy --wait} waits for before it returns.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "rolling    | watch=5s             | v2 serves all traffic; watching it for 5.0s before it is done",
        "blue-green | keep-old=5m watch=5s | v2 serves all traffic; watching it for 5.0s and keeping v1 warm for 300.0s"})
    void aReleaseAnsweringErrorsWhileItsHealthCheckPassesIsRolledBackByTheWatchAtTheEnd(String strategy,
            String settings, String watched, @TempDir Path tmp) throws Exception {
        Path good = app(tmp, "good", MANIFEST.formatted("exec " + RunningServer.HELLO, "60s"));
        Path bad = app(tmp, "bad", MANIFEST.formatted("ERROR_RATE=0.5 exec " + RunningServer.HELLO, "60s"));
        try (RunningServer server = RunningServer.start(tmp)) {
            deployV1(server, good);
            LoadClient load = server.load("shop", LoadClient.Mode.KEEP_ALIVE, 4).start();

            List<String> deploy = new ArrayList<>(List.of("deploy", bad.toString(), "--to", "shop", "--version", "v2",
                    "--strategy", strategy, "--wait"));
            for (String set : settings.split(" ")) {
                deploy.addAll(List.of("--set", set));
            }
            var deployed = server.cli(deploy.toArray(String[]::new));
            load.stop();
            LoadResult seen = load.await();

            assertThat(deployed.exit()).as(deployed.all()).isEqualTo(1);
            assertThat(deployed.out())
                    .containsSubsequence(watched,
                            "failed (analysis): analysis of v2 failed while it was watched with all the traffic: 5xx "
                                    + "rate", "rolled back: v1 is serving")
                    .contains("FAILED and was rolled back to v1: analysis");
            assertThat(server.status("shop").serving().number()).isEqualTo(1);
            assertThat(seen.failures(LoadResult.FailureKind.STATUS)).as(seen.summary())
                    .isEqualTo(seen.responsesWithStatus(500)).isPositive();
            assertThat(seen.failed()).as("no failure but the 500s v2 answered: " + seen.summary())
                    .isEqualTo(seen.responsesWithStatus(500));
            assertThat(server.get("shop", "/").status()).isEqualTo(200);
        }
    }

    @Test
    void aWorkerThatDiesAfterItStartedRunningIsCaughtByTheWatchAndRolledBack(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello-python", "app");
        try (RunningServer server = RunningServer.start(tmp)) {
            deployV1(server, app);

            var config = server.cli("config", "set", "shop", "WORKER_CRASH_AFTER=3s", "--wait");

            assertThat(config.exit()).as(config.all()).isEqualTo(1);
            assertThat(config.out()).containsPattern("d2-worker-\\d+ running after")
                    .containsPattern("d2-worker-\\d+ exited after it had started running: exited: code 1")
                    .contains("WORKER_CRASH_AFTER 3s is over, exiting with status 1")
                    .contains("FAILED and was rolled back to v1: exited");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status("shop").instances())
                    .extracting(InstanceView::release).containsOnly(1).hasSize(3));
        }
    }

    @Test
    void rollbackRestoresThePreviousCodeAndConfigUnderLoad(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST.formatted("exec " + RunningServer.HELLO, "60s"));
        try (RunningServer server = RunningServer.start(tmp)) {
            deployV1(server, app);
            var config = server.cli("config", "set", "shop", "GREETING=Howdy", "--wait");
            assertThat(config.exit()).as(config.all()).isZero();
            assertThat(config.out()).contains("config revision 1 of shop/production").contains("v2 (v1) is serving");
            assertThat(greeting(server)).startsWith("Howdy from hello v1");

            UnderLoad rollback = rollbackUnderLoad(server);

            assertThat(rollback.cli().exit()).as(rollback.cli().all()).isZero();
            assertThat(rollback.cli().out()).contains("rollback v1").contains("v1 (v1) is serving");
            rollback.assertNoRequestFailed();
            assertThat(greeting(server)).startsWith("Hello from hello v1");
            var releases = server.cli("releases", "shop");
            assertThat(releases.out()).containsPattern("v1 +v1 .*rev 0 +deploy .*serving");

            // the config went back with the code: it is what config list shows and what the next change starts from
            assertThat(server.cli("config", "list", "shop").out()).startsWith("# shop/production config revision 0")
                    .doesNotContain("GREETING");
            var again = server.cli("config", "set", "shop", "GREETING=Howdy", "--wait");
            assertThat(again.exit()).as(again.all()).isZero();
            assertThat(again.out()).doesNotContain("unchanged").contains("is serving");
            assertThat(greeting(server)).startsWith("Howdy from hello v1");

            var same = server.cli("rollback", "shop", "--to", String.valueOf(server.status("shop").serving().number()));
            assertThat(same.exit()).as(same.all()).isEqualTo(2);
            assertThat(same.err()).contains("already serves shop/production: nothing to roll back");

            // a --strategy given to a deploy is for that deployment: a config change later rolls out as the manifest says
            var once = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--strategy", "immutable",
                    "--wait");
            assertThat(once.out()).as(once.all()).contains("strategy immutable");
            int immutable = server.status("shop").serving().number();
            var later = server.cli("config", "set", "shop", "GREETING=Hej", "--wait");
            assertThat(later.exit()).as(later.all()).isZero();
            assertThat(later.out()).contains("strategy rolling").doesNotContain("immutable");
            // and so does a rollback to the release that deploy made
            var back = server.cli("rollback", "shop", "--to", "v" + immutable, "--wait");
            assertThat(back.exit()).as(back.all()).isZero();
            assertThat(back.out()).contains("rollback v" + immutable).contains("strategy rolling")
                    .doesNotContain("immutable");

            // during the watch at the end of an in-place deployment, rollback turns that deployment around: the
            // release before it goes back in place, by its strategy
            var watched = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v3", "--set", "watch=60s");
            assertThat(watched.exit()).as(watched.all()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> server.status("shop").deployment().step()
                    .startsWith("watching the new release"));
            int bad = server.status("shop").deployment().release();
            UnderLoad turned = rollbackUnderLoad(server);

            assertThat(turned.cli().exit()).as(turned.cli().all()).isZero();
            assertThat(turned.cli().out()).contains("(v" + bad + ") is rolling back to v" + immutable + " by rolling\n")
                    .contains("rolled back: v" + immutable + " is serving shop/production");
            EnvStatus end = server.status("shop");
            assertThat(end.deployment().phase()).isEqualTo("rolled-back");
            assertThat(end.deployment().message()).isEqualTo("rolled back on request (cutover rollback)");
            assertThat(end.serving().number()).isEqualTo(immutable);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status("shop").instances())
                    .extracting(InstanceView::release).containsOnly(immutable).hasSize(2));
            turned.assertNoRequestFailed();
        }
    }

    /** What {@code cutover rollback shop --wait} printed, and what keep-alive and per-connection load saw meanwhile. */
    private record UnderLoad(RunningServer.Cli cli, LoadResult keepAlive, LoadResult perRequest) {
        void assertNoRequestFailed() {
            assertThat(keepAlive.failed()).as(keepAlive.summary()).isZero();
            assertThat(perRequest.failed()).as(perRequest.summary()).isZero();
        }
    }

    private static UnderLoad rollbackUnderLoad(RunningServer server) throws Exception {
        LoadClient keepAlive = server.load("shop", LoadClient.Mode.KEEP_ALIVE, 4).start();
        LoadClient perRequest = server.load("shop", LoadClient.Mode.NEW_CONNECTION, 2).start();
        var rollback = server.cli("rollback", "shop", "--wait");
        Thread.sleep(1000); // the load goes on a while after the rollback
        keepAlive.stop();
        perRequest.stop();
        return new UnderLoad(rollback, keepAlive.await(), perRequest.await());
    }

    private static String greeting(RunningServer server) throws Exception {
        return server.get("shop", "/").body();
    }

    private static InstanceView instance(EnvStatus status, String id) {
        return status.instances().stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no instance " + id + " in " + status.instances()));
    }

    /** Deploys shop's first release, v1, without the watch at the end: what these tests judge comes after it. */
    private static void deployV1(RunningServer server, Path app) {
        var v1 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--set", "watch=0s", "--wait");
        assertThat(v1.exit()).as(v1.all()).isZero();
    }

    /** A copy of examples/hello under {@code tmp/name} with {@code manifest}. */
    private static Path app(Path tmp, String name, String manifest) throws Exception {
        Path app = RunningServer.example(tmp, "hello", name);
        RunningServer.writeManifest(app, manifest);
        return app;
    }
}
