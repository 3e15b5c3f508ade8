package dev.cutover.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8BoundaryTest {

    @Test
    void aChunkNeverEndsInsideACharacterUnlessNothingMoreComes() {
        byte[] b = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes

        assertThat(Execs.utf8Boundary(b, 2, false)).isEqualTo(1);
        assertThat(Execs.utf8Boundary(b, 3, false)).isEqualTo(3);
        assertThat(Execs.utf8Boundary(b, 5, false)).isEqualTo(3);
        assertThat(Execs.utf8Boundary(b, 6, false)).isEqualTo(6);
        assertThat(Execs.utf8Boundary(b, 9, false)).isEqualTo(6);
        assertThat(Execs.utf8Boundary(b, 10, false)).isEqualTo(10);
        assertThat(Execs.utf8Boundary(b, 9, true)).isEqualTo(9);
    }
}
