package dev.cutover.model.name;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionLabelTest {

    @Test
    void aValidLabelHasNoProblem() {
        assertThat(VersionLabel.problem("v1.2.3+build/7")).isNull();
        assertThat(VersionLabel.problem("a".repeat(100))).isNull();
    }

    @Test
    void aBadLabelIsNamedAndALongOneByItsStartAndLength() {
        assertThat(VersionLabel.problem("-v1")).isEqualTo("version: '-v1' (expected: up to 100 letters, digits and "
                + ". _ + - /, starting with a letter or digit)");
        assertThat(VersionLabel.problem("x".repeat(5000))).isEqualTo("version: '" + "x".repeat(40) + "...' (5000 "
                + "characters) (expected: up to 100 letters, digits and . _ + - /, starting with a letter or digit)");
    }
}
