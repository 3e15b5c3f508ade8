package dev.cutover.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code health:} section: probe kinds and the start period. */
class HealthManifestTest {

    static HealthSpec health(String section) {
        return ManifestReader.parseYaml("processes: { web: ./server }\nhealth: " + section + "\n").health();
    }

    @Test
    void aPathMakesAnHttpProbe() {
        HealthSpec h = health("{ path: /health }");
        assertThat(h.path()).isEqualTo("/health");
        assertThat(h.command()).isNull();
        assertThat(h.describe()).isEqualTo("GET /health");
    }

    @Test
    void tcpTrueOrNoKindMakesATcpProbe() {
        assertThat(health("{ tcp: true }").describe()).isEqualTo("TCP connect");
        assertThat(health("{ interval: 2s }").describe()).isEqualTo("TCP connect");
        assertThat(health("{ tcp: true }")).isEqualTo(HealthSpec.TCP_DEFAULT);
    }

    @Test
    void aCommandMakesACommandProbe() {
        HealthSpec h = health("{ command: ./bin/check, timeout: 3s }");
        assertThat(h.command()).isEqualTo("./bin/check");
        assertThat(h.path()).isNull();
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(h.describe()).isEqualTo("command ./bin/check");
    }

    @Test
    void theStartPeriodIsAbsentUnlessGiven() {
        assertThat(health("{ path: /health }").startPeriod()).isNull();
        assertThat(health("{ path: /health, start-period: 10s }").startPeriod()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anUnhealthyInstanceIsRestartedOnlyWhenRestartAfterIsGiven() {
        assertThat(health("{ path: /health }").restartAfter()).isNull();
        assertThat(HealthSpec.TCP_DEFAULT.restartAfter()).isNull();
        assertThat(health("{ path: /health, restart-after: 1m }").restartAfter()).isEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{ path: /h, command: ./c }   | health.command: only one probe kind (expected: one of path, command or tcp: true)",
        "{ path: /h, tcp: true }      | health.tcp: only one probe kind (expected: one of path, command or tcp: true)",
        "{ tcp: false }               | health.tcp: false (expected: true, or leave it out and give path (HTTP) or command instead)",
        "{ tcp: yes please }          | health.tcp: 'yes please' (expected: true (probe by TCP connect))",
        "{ command: '' }              | health.command: '' (expected: a non-empty string)",
        "{ start-period: soon }       | health.start-period: 'soon' (expected: a duration above zero",
        "{ start-period: 0s }         | health.start-period: '0s' (expected: a duration above zero",
        "{ restart-after: never }     | health.restart-after: 'never' (expected: a duration above zero",
        "{ restart-after: 0s }        | health.restart-after: '0s' (expected: a duration above zero",
        "{ grace: 10s }               | health.grace: unknown key (expected one of: command, healthy-threshold, interval, path, restart-after, start-period, tcp, timeout, unhealthy-threshold)",
    })
    void rejectsBadHealthSectionsNamingTheField(String section, String message) {
        assertThatThrownBy(() -> health(section))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith(message);
    }
}
