package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.api.ReleaseView;
import dev.cutover.model.json.Json;
import dev.cutover.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cutover server --keep-releases N}: old releases' builds go, and the CLI says what that means. */
class KeepReleasesIT {

    private static final String MANIFEST = """
            processes:
              web: { command: "exec %s", instances: 1 }
            health: { path: /health, interval: 300ms, timeout: 1s, healthy-threshold: 1 }
            deploy: { stop-timeout: 10s, deadline: 60s, watch: 0s }
            """.formatted(RunningServer.HELLO);

    @Test
    void aReleaseOlderThanTheNewestKeptLosesItsBuildCannotBeRolledBackToAndComesBackWhenDeployedAgain(
            @TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, MANIFEST);
        ServerConfig config = new ServerConfig(tmp.resolve("data"), "127.0.0.1", 0, "127.0.0.1", 0, "localhost",
                Clock.systemUTC(), null, 1);
        try (RunningServer server = RunningServer.start(config, tmp)) {
            for (String version : List.of("a", "b", "c")) {
                Files.writeString(app.resolve("NOTES"), "release " + version + "\n"); // a build of its own
                var deploy = server.cli("deploy", app.toString(), "--to", "shop", "--version", version, "--wait");
                assertThat(deploy.exit()).as(deploy.all()).isZero();
            }
            // kept: v3 (the newest, serving) and v2 (what rollback goes back to); v1's build goes once v3 is done
            await().atMost(Duration.ofSeconds(20)).until(() -> releases(server)[2].buildDeletedAt() != null);
            ReleaseView[] releases = releases(server);
            assertThat(releases[0].buildDeletedAt()).isNull();
            assertThat(releases[1].buildDeletedAt()).isNull();
            assertThat(tmp.resolve("data/builds/" + releases[2].build())).doesNotExist();
            assertThat(tmp.resolve("data/builds/" + releases[1].build())).exists();
            var text = server.cli("releases", "shop");
            assertThat(text.out().lines().filter(l -> l.startsWith("v1 ")).findFirst().orElseThrow())
                    .endsWith("build deleted (--keep-releases)");

            var refused = server.cli("rollback", "shop", "--to", "1");
            assertThat(refused.exit()).as(refused.all()).isEqualTo(2);
            assertThat(refused.err()).contains("v1's build was deleted at")
                    .contains("cutover deploy DIR --to shop/production --version a");
            assertThat(server.status("shop").serving().number()).isEqualTo(3);

            // the same source again: the CLI finds the build missing, uploads it, and v1's build is back too
            Files.writeString(app.resolve("NOTES"), "release a\n");
            var again = server.cli("deploy", app.toString(), "--to", "shop", "--version", "a", "--wait");
            assertThat(again.exit()).as(again.all()).isZero();
            ReleaseView[] after = releases(server);
            assertThat(after[0].build()).isEqualTo(releases[2].build());
            assertThat(after[3].buildDeletedAt()).isNull();
            assertThat(RunningServer.get(server.controller.httpPort(), RunningServer.host("shop"), "/").body())
                    .contains("hello");
            // and now v2 (older than v3, which rollback goes back to) loses its
            await().atMost(Duration.ofSeconds(20)).until(() -> releases(server)[2].buildDeletedAt() != null);
            assertThat(Arrays.stream(releases(server)).filter(r -> r.buildDeletedAt() != null).map(ReleaseView::number))
                    .containsExactly(2);
        }
    }

    private static ReleaseView[] releases(RunningServer server) throws Exception {
        var json = server.cli("releases", "shop", "--output", "json");
        assertThat(json.exit()).as(json.all()).isZero();
        return Json.mapper().readValue(json.out(), ReleaseView[].class);
    }
}
