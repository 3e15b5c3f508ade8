package dev.cutover.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.agent.LogChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {

    @TempDir
    Path dir;

    @Test
    void aChunkEndsAtTheLastCompleteLine() throws Exception {
        Path log = Files.writeString(dir.resolve("a.log"), "one\ntwo\nthr");

        assertThat(LogReader.read(log, 0, 100, false)).isEqualTo(new LogChunk("one\ntwo\n", 8, false));
        assertThat(LogReader.read(log, 8, 100, false)).isEqualTo(new LogChunk("", 8, false));
        assertThat(LogReader.read(log, 8, 100, true)).isEqualTo(new LogChunk("thr", 11, true));
    }

    @Test
    void aNegativeOffsetTailsFromTheNextLineStart() throws Exception {
        Path log = Files.writeString(dir.resolve("a.log"), "first line\nsecond\nthird\n");

        assertThat(LogReader.read(log, -10, 100, false).text()).isEqualTo("third\n");
        assertThat(LogReader.read(log, -13, 100, false).text()).isEqualTo("second\nthird\n");
        assertThat(LogReader.read(log, -1000, 100, false).text()).isEqualTo("first line\nsecond\nthird\n");
    }

    @Test
    void aLineLongerThanTheChunkComesInPieces() throws Exception {
        Path log = Files.writeString(dir.resolve("a.log"), "abcdefghij\n");

        assertThat(LogReader.read(log, 0, 4, false)).isEqualTo(new LogChunk("abcd", 4, false));
        assertThat(LogReader.read(log, 4, 100, false)).isEqualTo(new LogChunk("efghij\n", 11, false));
    }

    @Test
    void theWholeLogOfAFinishedInstanceEnds() throws Exception {
        Path log = Files.writeString(dir.resolve("a.log"), "a\nb\n");

        assertThat(LogReader.read(log, 0, 2, true)).isEqualTo(new LogChunk("a\n", 2, false));
        assertThat(LogReader.read(log, 2, 2, true)).isEqualTo(new LogChunk("b\n", 4, true));
        assertThat(LogReader.read(log, 99, 2, true)).isEqualTo(new LogChunk("", 4, true));
        assertThat(LogReader.read(dir.resolve("none.log"), 0, 2, true)).isEqualTo(new LogChunk("", 0, true));
    }
}
