package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void theLoopbackNamesOfAnApiUrlAreOneKey() {
        assertThat(Credentials.normalise("http://localhost:7070")).isEqualTo("http://127.0.0.1:7070");
        assertThat(Credentials.normalise("http://127.0.0.1:7070/")).isEqualTo("http://127.0.0.1:7070");
        assertThat(Credentials.normalise("http://[::1]:7070")).isEqualTo("http://127.0.0.1:7070");
        assertThat(Credentials.normalise("HTTP://LocalHost:7070")).isEqualTo("http://127.0.0.1:7070");
        assertThat(Credentials.normalise("http://10.0.0.5:7070/")).isEqualTo("http://10.0.0.5:7070");
        assertThat(Credentials.normalise("http://127.0.0.1:7071")).isNotEqualTo(Credentials.normalise(
                "http://127.0.0.1:7070"));
    }
}
