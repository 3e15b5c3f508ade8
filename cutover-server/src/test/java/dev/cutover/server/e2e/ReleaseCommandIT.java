package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.ReleaseCommandView;
import dev.cutover.model.json.Json;
import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest's release command: run once, in the new release's environment, before any traffic moves; its output
 * kept with the deployment; its failure stops the deployment before any user sees the new code.
 */
class ReleaseCommandIT {

    /** How {@code deploy --wait} indents the command's output under its events. */
    private static final String INDENT = "              ";

    /** No watch at the end of a deployment: not what these tests are about (FailuresIT tests it). */
    private static final String MANIFEST = """
            processes:
              web: { command: "python3 app.py", instances: %d }
            release: '%s'
            health: { path: /health, interval: 300ms, timeout: 1s, healthy-threshold: 2 }
            deploy: { stop-timeout: 10s, deadline: 60s, watch: 0s }
            """;

    private static String manifest(int instances, String release) {
        String yaml = MANIFEST.formatted(instances, release.replace("'", "''"));
        return release.isEmpty() ? yaml.replace("release: ''\n", "") : yaml;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aReleaseCommandThatFailsStopsTheDeploymentBeforeTrafficMoves(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello-python", "app");
        RunningServer.writeManifest(app, manifest(2, ""));
        try (RunningServer server = RunningServer.start(tmp)) {
            var v1 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait");
            assertThat(v1.exit()).as(v1.all()).isZero();
            RunningServer.writeManifest(app, manifest(2,
                    "echo checking the schema of $CUTOVER_VERSION; echo \"migration 7 failed: column exists\" >&2; exit 3"));

            LoadClient keepAlive = server.load("shop", LoadClient.Mode.KEEP_ALIVE, 4).start();
            LoadClient perRequest = server.load("shop", LoadClient.Mode.NEW_CONNECTION, 2).start();
            Thread.sleep(1000);
            var v2 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--wait");
            Thread.sleep(1000);
            keepAlive.stop();
            perRequest.stop();
            LoadResult a = keepAlive.await();
            LoadResult b = perRequest.await();

            assertThat(v2.exit()).as(v2.all()).isEqualTo(1);
            String out = v2.out();
            assertThat(out).contains("running release command: echo checking the schema")
                    .contains(INDENT + "checking the schema of v2")
                    .contains(INDENT + "migration 7 failed: column exists")
                    .contains("failed (release-command): release command exited 3 after")
                    .contains("deployment 2 FAILED and was rolled back to v1: release-command")
                    .contains("last lines of the output of the release command (d2-release):");
            assertThat(out.indexOf("running release command")).isLessThan(out.indexOf("checking the schema of v2"));
            assertThat(out.indexOf(INDENT + "migration 7 failed"))
                    .isLessThan(out.indexOf("failed (release-command)"));
            assertThat(a.failed()).as(a.summary()).isZero();
            assertThat(b.failed()).as(b.summary()).isZero();
            assertThat(a.succeeded()).isGreaterThan(100);
            assertThat(a.headerCounts()).containsOnlyKeys("v1");
            assertThat(b.headerCounts()).containsOnlyKeys("v1");
            int v2Instances = server.controller.store().read(h -> h.createQuery(
                    "SELECT COUNT(*) FROM instances WHERE release = 2").mapTo(Integer.class).one());
            assertThat(v2Instances).as("no v2 instance was ever launched").isZero();
            EnvStatus status = server.status("shop");
            assertThat(status.serving().number()).isEqualTo(1);
            assertThat(status.deployment().phase()).isEqualTo("rolled-back");
            assertThat(status.deployment().reason()).isEqualTo("release-command");
            ReleaseCommandView release = status.deployment().releaseCommand();
            assertThat(release.state()).isEqualTo("failed");
            assertThat(release.exitCode()).isEqualTo(3);
            assertThat(release.output()).contains("migration 7 failed: column exists");

            // logs -n counts lines, however long they are
            RunningServer.writeManifest(app, manifest(2,
                    "for i in $(seq 10 40); do printf \"long line %s %01000d\\n\" $i 0; done; exit 3"));
            var v3 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v3", "--wait");
            assertThat(v3.exit()).as(v3.all()).isEqualTo(1);
            var tail = server.cli("logs", "shop", "--instance", "d3-release", "-n", "20");
            assertThat(tail.exit()).as(tail.all()).isZero();
            assertThat(tail.out().lines().toList()).hasSize(20).allMatch(l -> l.length() > 1000)
                    .first().asString().startsWith("[d3-release] long line 21 ");
            RunningServer.writeManifest(app, manifest(2,
                    "for i in 1 2 3; do printf \"huge line %s %0300000d\\n\" $i 0; done; exit 3"));
            assertThat(server.cli("deploy", app.toString(), "--to", "shop", "--version", "v4", "--wait").exit())
                    .isEqualTo(1);
            var huge = server.cli("logs", "shop", "--instance", "d4-release", "-n", "2");
            assertThat(huge.out().lines().toList()).as("lines longer than the first windows").hasSize(2)
                    .allMatch(l -> l.length() > 300_000).first().asString().startsWith("[d4-release] huge line 2 ");
        }
    }

    @Test
    void aReleaseCommandThatSucceedsRunsOnceWithTheNewConfigAndItsOutputIsKeptButARollbackRunsNone(@TempDir Path tmp)
            throws Exception {
        Path app = RunningServer.example(tmp, "hello-python", "app");
        Path marks = tmp.resolve("marks.txt");
        RunningServer.writeManifest(app, manifest(1, "echo \"$CUTOVER_RELEASE $CUTOVER_INSTANCE PORT=${PORT-none} "
                + "$(pwd)\" >> \"$MARK_FILE\"; echo migrated to $CUTOVER_VERSION with $GREETING"));
        try (RunningServer server = RunningServer.start(tmp)) {
            var config = server.cli("config", "set", "shop", "MARK_FILE=" + marks, "GREETING=Hello");
            assertThat(config.exit()).as(config.all()).isZero();

            var v1 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait");

            assertThat(v1.exit()).as(v1.all()).isZero();
            String out = v1.out();
            assertThat(out).contains("running release command: echo")
                    .contains(INDENT + "migrated to v1 with Hello")
                    .contains("release command exited 0 after");
            assertThat(out.indexOf("migrated to v1")).isLessThan(out.indexOf("release command exited 0"));
            assertThat(out.indexOf("release command exited 0")).isLessThan(out.indexOf("launched d1-web-1"));
            assertThat(lines(marks)).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("v1 d1-release PORT=none ").contains("/agent/runs/d1-release/work"));
            DeploymentView d1 = server.api("/api/deployments/1", DeploymentView.class);
            assertThat(d1.phase()).isEqualTo("succeeded");
            assertThat(d1.releaseCommand().state()).isEqualTo("succeeded");
            assertThat(d1.releaseCommand().exitCode()).isZero();
            assertThat(d1.releaseCommand().durationMillis()).isNotNull();
            assertThat(d1.releaseCommand().output()).isEqualTo("migrated to v1 with Hello\n");
            assertThat(server.status("shop").deployment().releaseCommand()).isEqualTo(d1.releaseCommand());
            assertThat(server.cli("logs", "shop", "--instance", "d1-release").out())
                    .contains("[d1-release] migrated to v1 with Hello");
            assertThat(server.cli("logs", "shop").out()).as("the environment's logs include the command's")
                    .contains("[d1-release] migrated to v1 with Hello").contains("[d1-web-1]");
            assertThat(server.cli("logs", "shop", "--type", "release").out())
                    .contains("[d1-release] migrated to v1 with Hello").doesNotContain("[d1-web-1]");

            // a config change is a new release: its command runs, with the new config
            var greeting = server.cli("config", "set", "shop", "GREETING=Howdy", "--wait");
            assertThat(greeting.exit()).as(greeting.all()).isZero();
            assertThat(greeting.out()).contains(INDENT + "migrated to v1 with Howdy");
            assertThat(lines(marks)).hasSize(2);

            // a change that changes nothing makes no release, and runs nothing
            for (var unchanged : List.of(server.cli("config", "set", "shop", "GREETING=Howdy"),
                    server.cli("config", "unset", "shop", "NEVER_SET"))) {
                assertThat(unchanged.exit()).as(unchanged.all()).isZero();
                assertThat(unchanged.out()).contains("unchanged: every variable already is as asked; no new release");
            }
            assertThat(lines(marks)).hasSize(2);
            assertThat(server.status("shop").deployment().id()).isEqualTo(2);

            // going back runs no command: it must never be blocked by one
            var rollback = server.cli("rollback", "shop", "--wait");
            assertThat(rollback.exit()).as(rollback.all()).isZero();
            assertThat(rollback.out()).doesNotContain("release command");
            assertThat(lines(marks)).hasSize(2);
            assertThat(server.status("shop").deployment().releaseCommand()).isNull();
            var none = server.cli("logs", "shop", "--type", "release");
            assertThat(none.exit()).isZero();
            assertThat(none.err()).as("nothing to read is said, not left silent").contains("(a rollback), ran no release "
                    + "command (rollbacks, scales and removals run none); --instance dN-release reads the one of deployment N");
        }
    }

    @Test
    void aServerKilledWhileTheReleaseCommandRunsAdoptsItAfterARestartRunsItOnceAndCompletesTheDeployment(
            @TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello-python", "app");
        Path marks = tmp.resolve("marks.txt");
        Path gate = tmp.resolve("gate");
        RunningServer.writeManifest(app, manifest(1, "echo started >> \"$MARK_FILE\"; echo migrating; "
                + "while [ ! -f " + gate + " ]; do sleep 0.1; done; echo finished >> \"$MARK_FILE\"; echo migrated"));
        try (ServerProcess server = ServerProcess.start(tmp)) {
            assertThat(server.cli("config", "set", "shop", "MARK_FILE=" + marks).exit()).isZero();
            var deploy = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1");
            assertThat(deploy.exit()).as(deploy.all()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(marks).contains("started"));

            server.kill9();
            server.start();

            assertThat(status(server).deployment().step()).as("still waiting on the same run")
                    .startsWith("running the release command as d1-release");
            Files.writeString(gate, "");
            await().atMost(Duration.ofSeconds(90)).until(() -> status(server).deployment().finished());

            EnvStatus after = status(server);
            assertThat(after.deployment().phase()).isEqualTo("succeeded");
            assertThat(lines(marks)).as("run once, adopted across the restart").containsExactly("started", "finished");
            ReleaseCommandView release = after.deployment().releaseCommand();
            assertThat(release.state()).isEqualTo("succeeded");
            assertThat(release.output()).isEqualTo("migrating\nmigrated\n");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status(server).instances())
                    .singleElement().satisfies(i -> assertThat(i.phase()).isEqualTo("healthy")));
            Path runs = tmp.resolve("data/agent/runs").toAbsolutePath();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.appProcesses())
                    .as("nothing of the run left").noneMatch(pid -> cwd(pid).startsWith(runs)));
            RunningServer.Response r = RunningServer.get(server.httpPort, "shop-production.localhost", "/");
            assertThat(r.headers().get("X-App-Version")).isEqualTo("v1");
        }
    }

    private static Path cwd(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
        } catch (IOException e) {
            return Path.of("/gone");
        }
    }

    private static EnvStatus status(ServerProcess server) throws Exception {
        var r = server.cli("status", "shop", "--output", "json");
        return Json.mapper().readValue(r.out(), EnvStatus.class);
    }
}
