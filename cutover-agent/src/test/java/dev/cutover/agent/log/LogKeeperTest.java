package dev.cutover.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogKeeperTest {

    private static final Instant NOW = Instant.parse("2026-06-08T12:00:00Z");
    private static final Duration WEEK = LogKeeper.KEEP_ENDED;

    @Test
    void theLogsOfInstancesGoneForLongerThanTheKeepAreDeletedWithTheirIndexAndSegments(@TempDir Path dir)
            throws Exception {
        Instant old = NOW.minus(WEEK).minusSeconds(60);
        write(dir, "d1-web-1.log", old);
        write(dir, "d1-web-1.log.idx", old);
        write(dir, "d1-web-1.log.1048576", old);
        write(dir, "d2-web-1.log", old); // still the agent's: a quiet instance writes nothing for weeks
        write(dir, "d3-release.log", old);
        write(dir, "d3-release.log.idx", NOW.minus(WEEK).plusSeconds(60)); // its last mark: within the week
        write(dir, "d4-web-1.log", NOW.minus(Duration.ofDays(1)));
        write(dir, "notes.txt", old);

        // its first tick looks, as it does every hour after
        try (LogKeeper keeper = LogKeeper.start(dir, LogPolicy.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC),
                () -> List.of("d2-web-1"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.exists(dir.resolve("d1-web-1.log")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(keeper.expire(NOW, LogKeeper.KEEP_ENDED)).as("nothing more to delete").isEmpty();
        }

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "d2-web-1.log", "d2-web-1.log.idx", "d3-release.log", "d3-release.log.idx", "d4-web-1.log",
                    "notes.txt"); // the watched one marked by the tick
        }
    }

    private static void write(Path dir, String name, Instant modified) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "line\n");
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }
}
