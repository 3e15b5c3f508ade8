package dev.cutover.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.agent.health.HealthCounter.Health;
import dev.cutover.model.manifest.HealthSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCounterTest {

    final HealthSpec spec = new HealthSpec("/health", Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 3);

    @Test
    void becomesHealthyAfterTheThresholdOfConsecutivePasses() {
        HealthCounter c = new HealthCounter(spec, Health.STARTING);

        assertThat(c.observe(true)).isEqualTo(Health.STARTING);
        assertThat(c.observe(false)).isEqualTo(Health.STARTING);
        assertThat(c.observe(true)).isEqualTo(Health.STARTING);
        assertThat(c.observe(true)).isEqualTo(Health.HEALTHY);
    }

    @Test
    void aStartingInstanceNeverTurnsUnhealthy() {
        HealthCounter c = new HealthCounter(spec, Health.STARTING);
        for (int i = 0; i < 10; i++) {
            assertThat(c.observe(false)).isEqualTo(Health.STARTING);
        }
    }

    @Test
    void healthyTurnsUnhealthyAfterTheFailureThresholdAndBack() {
        HealthCounter c = new HealthCounter(spec, Health.HEALTHY);

        assertThat(c.observe(false)).isEqualTo(Health.HEALTHY);
        assertThat(c.observe(false)).isEqualTo(Health.HEALTHY);
        assertThat(c.observe(true)).isEqualTo(Health.HEALTHY);
        assertThat(c.observe(false)).isEqualTo(Health.HEALTHY);
        assertThat(c.observe(false)).isEqualTo(Health.HEALTHY);
        assertThat(c.observe(false)).isEqualTo(Health.UNHEALTHY);
        assertThat(c.consecutiveFailures()).isEqualTo(3);
        assertThat(c.observe(true)).isEqualTo(Health.UNHEALTHY);
        assertThat(c.observe(true)).isEqualTo(Health.HEALTHY);
    }

    @Test
    void withAStartPeriodFailuresInsideItDoNotCountAndAfterItMakeAStartingInstanceUnhealthy() {
        HealthCounter c = new HealthCounter(spec.withStartPeriod(Duration.ofSeconds(10)), Health.STARTING);
        for (int i = 0; i < 10; i++) {
            assertThat(c.observe(false, true)).isEqualTo(Health.STARTING);
        }
        assertThat(c.consecutiveFailures()).isZero();

        assertThat(c.observe(false, false)).isEqualTo(Health.STARTING);
        assertThat(c.observe(false, false)).isEqualTo(Health.STARTING);
        assertThat(c.observe(false, false)).isEqualTo(Health.UNHEALTHY);
        assertThat(c.observe(true, false)).isEqualTo(Health.UNHEALTHY);
        assertThat(c.observe(true, false)).isEqualTo(Health.HEALTHY);
    }

    @Test
    void aPassInsideTheStartPeriodCounts() {
        HealthCounter c = new HealthCounter(spec.withStartPeriod(Duration.ofSeconds(10)), Health.STARTING);

        assertThat(c.observe(true, true)).isEqualTo(Health.STARTING);
        assertThat(c.observe(true, true)).isEqualTo(Health.HEALTHY);
    }
}
