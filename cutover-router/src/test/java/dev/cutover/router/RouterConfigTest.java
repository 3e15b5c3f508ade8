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

    @Test
    void eachWithChangesItsOwnComponentsAndKeepsTheRest() {
        RouterConfig base = RouterConfig.defaults("127.0.0.1", 8080).withAccessLog("-").withWorkers(3)
                .withTransport(Transport.NIO);
        Duration five = Duration.ofSeconds(5);

        assertThat(base.withPort(9090)).isEqualTo(new RouterConfig(base.bindAddress(), 9090, base.connectTimeout(),
                base.responseTimeout(), base.idleTimeout(), base.targetIdleTimeout(), base.tunnelIdleTimeout(),
                base.tunnelDrainGrace(), base.maxConnectionsPerTarget(), base.ejectionBackoff(), "-", null, 3,
                Transport.NIO));
        assertThat(base.withResponseTimeout(five).responseTimeout()).isEqualTo(five);
        assertThat(base.withIdleTimeout(five)).extracting(RouterConfig::idleTimeout, RouterConfig::targetIdleTimeout)
                .containsExactly(five, five);
        assertThat(base.withTunnelTimeouts(five, Duration.ZERO))
                .extracting(RouterConfig::tunnelIdleTimeout, RouterConfig::tunnelDrainGrace)
                .containsExactly(five, Duration.ZERO);
        assertThat(base.withEjectionBackoff(five).ejectionBackoff()).isEqualTo(five);
        assertThat(base.withAccessLog(null).accessLog()).isNull();
        assertThat(base.withWorkers(0).workers()).isZero();
        assertThat(base.withTransport(Transport.EPOLL).transport()).isEqualTo(Transport.EPOLL);
        assertThat(base.withEjectionBackoff(five).withEjectionBackoff(base.ejectionBackoff())).isEqualTo(base);
    }

    @Test
    void aCopyIsCheckedLikeANewConfiguration() {
        assertThatThrownBy(() -> RouterConfig.defaults("0.0.0.0", 0).withWorkers(300))
                .hasMessage("workers: 300 (expected: 0 for one per CPU, or 1 to 256)");
        assertThatThrownBy(() -> RouterConfig.defaults("0.0.0.0", 0).withTransport(null))
                .hasMessage("transport");
    }
}
