package dev.cutover.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HostContactTest {

    static final Instant T = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void aHostIsUpForThreeSecondsAfterItsAgentAnswered() {
        HostContact none = HostContact.none("local");
        assertThat(none.up(T)).isFalse();

        HostContact answered = none.answered(T, 4, 5);
        assertThat(answered.up(T.plusSeconds(3))).isTrue();
        assertThat(answered.up(T.plusMillis(3001))).isFalse();
        assertThat(answered.revisionApplied()).isEqualTo(4);
        assertThat(answered.revisionHanded()).isEqualTo(5);
    }

    @Test
    void aFailedReadKeepsTheLastAnswerAndSaysWhatItMet() {
        HostContact failed = HostContact.none("edge-1").answered(T, 4, 4)
                .failed(new UncheckedIOException(new ConnectException("Connection refused")), 6);

        assertThat(failed.up(T)).isFalse();
        assertThat(failed.lastReport()).isEqualTo(T);
        assertThat(failed.revisionApplied()).isEqualTo(4);
        assertThat(failed.revisionHanded()).isEqualTo(6);
        assertThat(failed.error()).isEqualTo("java.net.ConnectException: Connection refused");
        assertThat(failed.answered(T.plusSeconds(1), 6, 6).error()).isNull();
    }
}
