package dev.cutover.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLogTest {

    static final LogPolicy SMALL = new LogPolicy(4096, 3, Duration.ofMillis(200));
    static final long T0 = Instant.parse("2030-01-01T12:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    Path live() {
        return dir.resolve("w-1.log");
    }

    void append(String text) throws IOException {
        Files.writeString(live(), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aLineGetsTheTimeOfTheFirstMarkAtOrAfterItsEnd() throws IOException {
        InstanceLog log = InstanceLog.open(dir, "w-1");
        append("one\ntwo\n");
        log.tick(T0, SMALL, true);
        append("three\n");
        log.tick(T0 + 200, SMALL, true);
        append("four\n");

        LogChunk chunk = log.read(0, 1000, false, T0 + 300);

        assertThat(chunk.lines()).extracting(LogChunk.Line::text).containsExactly("one", "two", "three", "four");
        assertThat(chunk.times()).containsExactly(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0),
                Instant.ofEpochMilli(T0 + 200), Instant.ofEpochMilli(T0 + 300));
    }

    @Test
    void marksSurviveReopening() throws IOException {
        InstanceLog log = InstanceLog.open(dir, "w-1");
        append("one\n");
        log.tick(T0, SMALL, true);

        LogChunk chunk = InstanceLog.open(dir, "w-1").read(0, 1000, false, T0 + 5000);

        assertThat(chunk.times()).containsExactly(Instant.ofEpochMilli(T0));
    }

    @Test
    void readSinceStartsAtTheFirstLineWrittenAtOrAfterThatTime() throws IOException {
        InstanceLog log = InstanceLog.open(dir, "w-1");
        append("old 1\nold 2\n");
        log.tick(T0, SMALL, true);
        append("middle\n");
        log.tick(T0 + 60_000, SMALL, true);
        append("new\n");
        log.tick(T0 + 120_000, SMALL, true);

        assertThat(log.readSince(Instant.ofEpochMilli(T0 + 30_000), 1000, false, T0 + 130_000).text())
                .isEqualTo("middle\nnew\n");
        assertThat(log.readSince(Instant.ofEpochMilli(T0 + 60_000), 1000, false, T0 + 130_000).text())
                .isEqualTo("middle\nnew\n");
        assertThat(log.readSince(Instant.ofEpochMilli(T0 + 60_001), 1000, false, T0 + 130_000).text())
                .isEqualTo("new\n");
        assertThat(log.readSince(Instant.ofEpochMilli(T0 - 1), 1000, false, T0 + 130_000).text())
                .isEqualTo("old 1\nold 2\nmiddle\nnew\n");
        assertThat(log.readSince(Instant.ofEpochMilli(T0 + 200_000), 1000, false, T0 + 230_000).text()).isEmpty();
    }

    @Test
    void rotationMovesWholeLinesIntoSegmentsWithoutChangingOffsetsOrLosingALine() throws IOException {
        InstanceLog log = InstanceLog.open(dir, "w-1");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            String line = "line " + i + " " + "x".repeat(i % 17) + "\n";
            all.append(line);
            append(line);
            if (i % 50 == 0) {
                log.tick(T0 + i, new LogPolicy(4096, 100, Duration.ofMillis(200)), true);
            }
        }
        log.tick(T0 + 1000, new LogPolicy(4096, 100, Duration.ofMillis(200)), true);

        assertThat(segments()).hasSizeGreaterThanOrEqualTo(2);
        for (Path segment : segments()) {
            assertThat(Files.readString(segment)).endsWith("\n");
        }
        assertThat(Files.size(live())).as("offsets do not move").isEqualTo(all.length());
        assertThat(readAll(log, 0)).isEqualTo(all.toString());
        assertThat(InstanceLog.open(dir, "w-1").read(0, 1 << 20, false, T0 + 2000).text())
                .as("a new agent finds the segments").isEqualTo(all.toString());
    }

    @Test
    void rotationKeepsTheNewestSegmentsAndReadsFromTheOldestKept() throws IOException {
        InstanceLog log = InstanceLog.open(dir, "w-1");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            String line = "line " + i + "\n";
            all.append(line);
            append(line);
            if (i % 100 == 0) {
                log.tick(T0 + i, SMALL, true);
            }
        }
        log.tick(T0 + 3000, SMALL, true);

        assertThat(segments()).hasSize(SMALL.keep());
        String kept = readAll(log, 0);
        assertThat(all.toString()).endsWith(kept);
        assertThat(kept).startsWith("line ").hasSizeLessThan(all.length());
        assertThat(log.read(-15, 1000, false, T0 + 4000).text()).isEqualTo("line 1999\n");
    }

    @Test
    void aLogThatDoesNotExistYetReadsAsEmpty() throws IOException {
        LogChunk chunk = InstanceLog.open(dir, "nope").read(0, 100, true, T0);

        assertThat(chunk.text()).isEmpty();
        assertThat(chunk.ended()).isTrue();
    }

    private String readAll(InstanceLog log, long from) throws IOException {
        StringBuilder sb = new StringBuilder();
        long offset = from;
        while (true) {
            LogChunk c = log.read(offset, 1000, false, T0);
            if (c.text().isEmpty()) {
                return sb.toString();
            }
            sb.append(c.text());
            offset = c.next();
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("w-1\\.log\\.\\d+")).sorted().toList();
        }
    }
}
