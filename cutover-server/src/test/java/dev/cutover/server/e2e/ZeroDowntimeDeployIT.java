package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The product's promise: a deploy under continuous load, keep-alive and connection-per-request, fails no request,
 * whether the app drains politely on its stop signal or dies at once, and in whatever language it is written.
 */
class ZeroDowntimeDeployIT {

    private static final Duration MIN_LOAD = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "hello that drains on SIGINT, hello, HELLO",
        "hello that exits at once on SIGINT, hello, DRAIN=0 exec HELLO",
        "python app that drains, hello-python, python3 app.py",
    })
    void aRollingDeployUnderLoadFailsNoRequest(String label, String example, String command, @TempDir Path tmp)
            throws Exception {
        Path app = RunningServer.example(tmp, example, "app");
        RunningServer.writeManifest(app, """
                processes:
                  web: { command: "%s", instances: 2 }
                health: { path: /health, interval: 500ms, timeout: 1s, healthy-threshold: 2 }
                deploy: { stop-timeout: 20s, deadline: 60s }
                """.formatted(command.replace("HELLO", RunningServer.HELLO)));
        try (RunningServer server = RunningServer.start(tmp)) {
            var v1 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait");
            assertThat(v1.exit()).as(v1.all()).isZero();
            List<Long> v1Pids = server.pids("shop", 1);
            assertThat(v1Pids).hasSize(2);

            long started = System.nanoTime();
            LoadClient keepAlive = server.load("shop", LoadClient.Mode.KEEP_ALIVE, 4).start();
            LoadClient perRequest = server.load("shop", LoadClient.Mode.NEW_CONNECTION, 2).start();
            Thread.sleep(2000);
            var v2 = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v2", "--wait");
            long left = MIN_LOAD.toMillis() - (System.nanoTime() - started) / 1_000_000;
            Thread.sleep(Math.max(2000, left));
            keepAlive.stop();
            perRequest.stop();
            LoadResult a = keepAlive.await();
            LoadResult b = perRequest.await();

            assertThat(v2.exit()).as(v2.all()).isZero();
            assertThat(a.failed()).as("keep-alive failures: " + a.summary()).isZero();
            assertThat(b.failed()).as("per-connection failures: " + b.summary()).isZero();
            assertThat(a.succeeded()).isGreaterThan(100);
            assertThat(b.succeeded()).isGreaterThan(50);
            assertThat(a.headerCounts()).containsKeys("v1", "v2");
            assertThat(a.lastHeaderValues()).containsOnly("v2");
            assertThat(b.lastHeaderValues()).containsOnly("v2");

            LoadResult after = server.load("shop", LoadClient.Mode.NEW_CONNECTION, 2).maxRequests(40).run();
            assertThat(after.failed()).isZero();
            assertThat(after.headerCounts()).containsOnlyKeys("v2");
            for (long pid : v1Pids) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("v1 process " + pid + " is gone").isFalse();
            }
            assertThat(server.status("shop").instances()).extracting(i -> i.release()).containsOnly(2);
        }
    }
}
