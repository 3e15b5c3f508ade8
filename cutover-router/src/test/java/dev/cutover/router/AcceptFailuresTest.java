package dev.cutover.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class AcceptFailuresTest {

    @Test
    void runningOutOfDescriptorsIsToldFromOtherAcceptFailures() {
        assertThat(AcceptFailures.outOfDescriptors(
                new IOException("accept(..) failed with error(-24): Too many open files"))).isTrue();
        assertThat(AcceptFailures.outOfDescriptors(new RuntimeException("wrapped",
                new IOException("Too many open files")))).isTrue();
        assertThat(AcceptFailures.outOfDescriptors(new IOException("accept(..) failed: Connection reset by peer")))
                .isFalse();
    }
}
