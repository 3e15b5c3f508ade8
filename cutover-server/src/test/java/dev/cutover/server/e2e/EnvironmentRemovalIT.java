package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.api.RemovalView;
import dev.cutover.model.json.Json;
import dev.cutover.testkit.load.LoadClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cutover apps delete}: an environment's instances drain and stop, then it and its records are deleted. */
class EnvironmentRemovalIT {

    @TempDir
    static Path tmp;
    static RunningServer server;
    static Path app;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(tmp);
        app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, RunningServer.TWO_HELLOS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRemovedEnvironmentFinishesItsInFlightRequestsStopsItsInstancesLeavesOthersAloneAndFreesItsName()
            throws Exception {
        String name = "gone";
        String other = "stays";
        assertThat(server.cli("deploy", app.toString(), "--to", name, "--version", "v1", "--wait").exit()).isZero();
        assertThat(server.cli("deploy", app.toString(), "--to", other, "--version", "v1", "--wait").exit()).isZero();
        var slow = server.cli("config", "set", name, "SLOW_MS=1500", "--wait");
        assertThat(slow.exit()).as(slow.all()).isZero();
        List<Long> pids = server.pids(name, 2);
        assertThat(pids).hasSize(2);

        var unconfirmed = server.cli("apps", "delete", name);
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("cutover apps delete " + name + "/production stops its instances "
                + "(web 2) and deletes 2 releases, the config and the deployment history of " + name
                + "/production for good; add --yes to go ahead");
        assertThat(server.status(name).instances()).hasSize(2);

        // abort during the drain: the removal rolls back and the environment runs as before
        CompletableFuture<RunningServer.Response> held = slowRequest(name);
        Thread.sleep(400);
        var first = server.cli("apps", "delete", name, "--yes");
        assertThat(first.exit()).as(first.all()).isZero();
        var abort = server.cli("abort", name);
        assertThat(abort.exit()).as(abort.all()).isZero();
        assertThat(held.get().status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> server.status(name).deployment().finished());
        assertThat(server.status(name).deployment().phase()).isEqualTo("rolled-back");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).instances())
                .hasSize(2).allMatch(i -> i.phase().equals("healthy") && i.routing().equals("active")));
        assertThat(server.get(name, "/").status()).isEqualTo(200);
        assertThat(server.pids(name, 2)).as("the instances that were draining take traffic again")
                .containsExactlyInAnyOrderElementsOf(pids);
        assertThat(server.cli("status", name).exit()).isZero();

        LoadClient others = server.load(other, LoadClient.Mode.KEEP_ALIVE, 2).start();
        CompletableFuture<RunningServer.Response> inFlight = slowRequest(name);
        Thread.sleep(400);
        var removed = server.cli("apps", "delete", name, "--yes", "--wait");
        assertThat(removed.exit()).as(removed.all()).isZero();
        assertThat(removed.out()).contains("removing " + name + "/production: web 2 drain and stop; then it is "
                + "deleted\n", "deployment ", ": remove v2 (v1) of " + name + "/production\n",
                name + "/production is removed\n");
        assertThat(inFlight.get().status()).as("the request in flight when the removal began").isEqualTo(200);

        var status = server.cli("status", name);
        assertThat(status.exit()).isEqualTo(2);
        assertThat(status.err()).contains("no environment " + name + "/production");
        assertThat(server.get(name, "/").status()).isEqualTo(404);
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        assertThat(server.cli("apps").out()).doesNotContain(name + "/").contains(other + "/production");
        RunningServer.expectNoFailedRequest(others);
        assertThat(server.status(other).instances()).hasSize(2);

        // the name is free: a new environment starts at v1, with no config of the old one
        var again = server.cli("deploy", app.toString(), "--to", name, "--version", "v1", "--wait");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).contains("v1 (v1) is serving " + name + "/production");
        assertThat(server.cli("config", "list", name).out()).doesNotContain("SLOW_MS");

        // a deployment in progress is not removed from under itself
        var v2 = server.cli("deploy", app.toString(), "--to", name, "--version", "v2");
        assertThat(v2.exit()).as(v2.all()).isZero();
        var busy = server.cli("apps", "delete", name, "--yes");
        assertThat(busy.exit()).isEqualTo(2);
        assertThat(busy.err()).contains("of " + name + "/production is in progress; wait for it (cutover status "
                + name + "/production; when it keeps its old set warm or waits for approval, cutover promote " + name
                + "/production moves it on) or abort it (cutover abort " + name + "/production), then remove the "
                + "environment");
        await().atMost(Duration.ofSeconds(60)).until(() -> server.status(name).deployment().finished());

        var twice = server.cli("apps", "delete", name, "--yes", "--output", "json");
        assertThat(twice.exit()).as(twice.all()).isZero();
        RemovalView started = Json.mapper().readValue(twice.out(), RemovalView.class);
        assertThat(started.removed()).isFalse();
        assertThat(started.deployment().kind()).isEqualTo("remove");
        await().atMost(Duration.ofSeconds(60)).until(() -> server.cli("status", name).exit() == 2);

        // an environment that never served (made by config set) goes at once
        var made = server.cli("config", "set", "drafted", "A=1");
        assertThat(made.exit()).isZero();
        assertThat(made.err()).as("a new name is said to be new").contains("note: drafted/production did not exist; "
                + "it is made now, to hold this config for its first deploy");
        assertThat(server.cli("config", "set", "drafted", "B=2").err()).doesNotContain("did not exist");
        var drafted = server.cli("apps", "delete", "drafted", "--yes");
        assertThat(drafted.exit()).as(drafted.all()).isZero();
        assertThat(drafted.out()).isEqualTo("drafted/production is removed\n");
        var unknown = server.cli("apps", "delete", "drafted", "--yes");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no environment drafted/production");

        var last = server.cli("apps", "delete", other, "--yes", "--wait");
        assertThat(last.exit()).as(last.all()).isZero();
        assertThat(server.cli("apps").out()).isEqualTo("no apps yet (cutover deploy DIR --to APP[/ENV] makes one)\n");
    }

    @Test
    void whileItsInstancesAreStillStoppingARemovedEnvironmentTakesNoDeployAndAskingAgainIsTheSameRemoval()
            throws Exception {
        Path stubborn = tmp.resolve("stubborn");
        java.nio.file.Files.createDirectories(stubborn);
        java.nio.file.Files.writeString(stubborn.resolve("app.py"), """
                import os, signal
                from http.server import BaseHTTPRequestHandler, HTTPServer
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                class H(BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200); self.send_header("Content-Length", "3"); self.end_headers()
                        self.wfile.write(b"ok\\n")
                    def log_message(self, *args):
                        pass
                HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
                """);
        RunningServer.writeManifest(stubborn, """
                processes:
                  web: { command: "exec python3 app.py", instances: 1 }
                health: { path: /, interval: 500ms, timeout: 1s, healthy-threshold: 1 }
                deploy: { stop-timeout: 8s, deadline: 60s, watch: 0s }
                """);
        String name = "stubborn";
        var v1 = server.cli("deploy", stubborn.toString(), "--to", name, "--wait");
        assertThat(v1.exit()).as(v1.all()).isZero();
        long pid = server.pids(name, 1).get(0);

        var removing = server.cli("apps", "delete", name, "--yes", "--output", "json");
        assertThat(removing.exit()).as(removing.all()).isZero();
        long removal = Json.mapper().readValue(removing.out(), RemovalView.class).deployment().id();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.status(name).deployment().phase()
                .equals("succeeded"));
        // the instance ignores INT: it stops only at KILL, 8 s on, and until then the environment is not deleted
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isTrue();
        assertThat(server.cli("status", name).out()).contains("removal:     its instances are stopping; it is "
                + "deleted once they have ended");
        String refused = name + "/production is being removed (deployment " + removal + "): its instances are "
                + "stopping, and it is deleted once they have ended; wait until cutover status " + name
                + "/production says there is no such environment, then deploy to start it afresh at v1";
        for (String[] change : List.of(new String[] {"deploy", stubborn.toString(), "--to", name},
                new String[] {"config", "set", name, "A=1"}, new String[] {"scale", name, "web=2"},
                new String[] {"rollback", name})) {
            var r = server.cli(change);
            assertThat(r.exit()).as(String.join(" ", change) + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", change)).contains(refused);
        }
        var again = server.cli("apps", "delete", name, "--yes", "--output", "json");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(Json.mapper().readValue(again.out(), RemovalView.class).deployment().id()).isEqualTo(removal);

        var waited = server.cli("apps", "delete", name, "--yes", "--wait");
        assertThat(waited.exit()).as(waited.all()).isZero();
        assertThat(waited.out()).endsWith(name + "/production is removed\n");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(server.cli("status", name).exit()).isEqualTo(2);
    }

    private static CompletableFuture<RunningServer.Response> slowRequest(String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return server.get(name, "/");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
