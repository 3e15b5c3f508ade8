package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.worker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.agent.log.LogPolicy;
import dev.cutover.agent.testing.Harness;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation while a real process keeps appending: no line lost, none duplicated, offsets stable. */
@Tag("e2e")
class LogRotationTest {

    static final int LINES = 20_000;

    @Test
    void aProcessWritingFastLosesNoLineAcrossManyRotations(@TempDir Path dataDir) throws IOException {
        LogPolicy policy = new LogPolicy(16 * 1024, 1000, Duration.ofMillis(20));
        try (Harness h = new Harness(dataDir, policy)) {
            // ~290 KB in bursts, so that rotations (every 16 KiB) happen while the process writes.
            h.apply(worker("w-1", h.app, "i=0; while [ $i -lt " + LINES + " ]; do echo \"line $i of the test\"; "
                    + "i=$((i+1)); if [ $((i % 500)) -eq 0 ]; then sleep 0.05; fi; done; exec sleep 1000"));
            org.awaitility.Awaitility.await().atMost(Harness.PATIENCE).until(() -> lastLine(h).equals(
                    "line " + (LINES - 1) + " of the test"));

            List<String> lines = readAll(h, 0);
            assertThat(lines).hasSize(LINES);
            for (int i = 0; i < LINES; i++) {
                assertThat(lines.get(i)).isEqualTo("line " + i + " of the test");
            }
            assertThat(segments(dataDir)).as("rotated many times").hasSizeGreaterThan(5);
            assertThat(h.find("w-1").orElseThrow().phase()).isEqualTo(InstancePhase.RUNNING);
        }
    }

    @Test
    void sinceReadsOnlyTheLinesWrittenAfterThatTime(@TempDir Path dataDir) throws Exception {
        try (Harness h = new Harness(dataDir, new LogPolicy(1 << 20, 5, Duration.ofMillis(50)))) {
            h.apply(worker("w-1", h.app, "echo before; sleep 1; echo after; exec sleep 1000"));
            org.awaitility.Awaitility.await().atMost(Harness.PATIENCE).until(() -> h.log("w-1").contains("before"));
            Thread.sleep(300); // the mark of "before" is taken
            Instant between = Instant.now();
            org.awaitility.Awaitility.await().atMost(Harness.PATIENCE).until(() -> h.log("w-1").contains("after"));

            LogChunk since = h.agent().readLog("w-1", between, 1000);

            assertThat(since.text()).isEqualTo("after\n");
            assertThat(since.times().get(0)).isAfterOrEqualTo(between);
        }
    }

    private static String lastLine(Harness h) throws IOException {
        String text = h.agent().readLog("w-1", -200, 1000).text();
        String[] lines = text.split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    private static List<String> readAll(Harness h, long from) throws IOException {
        List<String> lines = new ArrayList<>();
        long offset = from;
        while (true) {
            LogChunk c = h.agent().readLog("w-1", offset, 7000);
            if (c.text().isEmpty()) {
                return lines;
            }
            c.lines().forEach(l -> lines.add(l.text()));
            offset = c.next();
        }
    }

    private static List<Path> segments(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("logs"))) {
            return files.filter(p -> p.getFileName().toString().matches("w-1\\.log\\.\\d+")).toList();
        }
    }
}
