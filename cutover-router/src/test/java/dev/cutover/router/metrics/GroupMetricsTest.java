package dev.cutover.router.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cutover.model.routing.GroupStats;
import org.junit.jupiter.api.Test;

class GroupMetricsTest {

    @Test
    void bucketsDoubleFrom250Microseconds() {
        assertThat(GroupMetrics.bucketOf(0)).isZero();
        assertThat(GroupMetrics.bucketOf(250)).isZero();
        assertThat(GroupMetrics.bucketOf(251)).isEqualTo(1);
        assertThat(GroupMetrics.bucketOf(500)).isEqualTo(1);
        assertThat(GroupMetrics.bucketOf(501)).isEqualTo(2);
        assertThat(GroupMetrics.bucketOf(1000)).isEqualTo(2);
        assertThat(GroupMetrics.bucketOf(Long.MAX_VALUE / 1000)).isEqualTo(GroupMetrics.BOUNDS_MICROS.length);
    }

    @Test
    void quantilesInterpolateWithinTheirBucket() {
        GroupMetrics metrics = new MetricsRegistry().group("shop/production", "v1");
        for (int i = 0; i < 98; i++) {
            metrics.record(200, 400_000, null); // 400 µs: the (250, 500] bucket
        }
        metrics.record(503, 3_000_000, "no_target"); // 3 ms: (2000, 4000]
        metrics.record(200, 3_000_000, null);

        GroupStats stats = metrics.snapshot(0, 0);

        assertThat(stats.requests()).isEqualTo(100);
        assertThat(stats.responsesByClass()).containsEntry("2xx", 99L).containsEntry("5xx", 1L);
        assertThat(stats.failures()).containsEntry("no_target", 1L);
        assertThat(stats.latency().quantileMicros(0.5)).isBetween(250.0, 500.0);
        assertThat(stats.latency().quantileMicros(0.99)).isBetween(2000.0, 4000.0);
        assertThat(stats.latency().meanMicros()).isCloseTo((98 * 400 + 2 * 3000) / 100.0, within(0.01));
    }
}
