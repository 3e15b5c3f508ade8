package dev.cutover.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RouterConfig config = RouterConfig.defaults("0.0.0.0", 8080);

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.responseTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxConnectionsPerTarget()).isEqualTo(1024);
    }

    @Test
    void aBadValueIsNamedWithWhatWasExpected() {
        assertThatThrownBy(() -> RouterConfig.defaults("0.0.0.0", 70000))
                .hasMessage("port: 70000 (expected: 0-65535)");
        assertThatThrownBy(() -> RouterConfig.defaults("0.0.0.0", 0).withIdleTimeout(Duration.ZERO))
                .hasMessage("idleTimeout: PT0S (expected: a positive duration)");
        assertThatThrownBy(() -> new RouterConfig("0.0.0.0", 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0)).hasMessage("maxConnectionsPerTarget: 0 (expected: 1 or more)");
    }
}
