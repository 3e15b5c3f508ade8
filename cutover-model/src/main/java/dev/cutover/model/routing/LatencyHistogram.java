package dev.cutover.model.routing;

import java.util.List;

/**
 * A snapshot of a latency histogram with fixed buckets, cheap to copy and to compare between target groups.
 *
 * @param upperBoundsMicros the inclusive upper bound of each bucket but the last, in microseconds, ascending; the
 *                          last bucket (one more than the bounds) holds everything above
 * @param counts observations per bucket (not cumulative), {@code upperBoundsMicros.size() + 1} of them
 * @param count all observations
 * @param sumMicros the sum of all observations, in microseconds
 */
public record LatencyHistogram(List<Long> upperBoundsMicros, List<Long> counts, long count, long sumMicros) {

    public LatencyHistogram {
        upperBoundsMicros = List.copyOf(upperBoundsMicros);
        counts = List.copyOf(counts);
        if (counts.size() != upperBoundsMicros.size() + 1) {
            throw new IllegalArgumentException("counts: " + counts.size() + " buckets (expected: "
                    + (upperBoundsMicros.size() + 1) + ", one more than the bounds)");
        }
    }

    /** The mean in microseconds; 0 without observations. */
    public double meanMicros() {
        return count == 0 ? 0 : (double) sumMicros / count;
    }

    /**
     * An estimate of the q-quantile in microseconds (q = 0.5 for the median, 0.99 for p99), interpolated linearly
     * within its bucket, as Prometheus' {@code histogram_quantile} does; 0 without observations. An estimate that
     * falls in the last, unbounded bucket is reported as the highest bound.
     */
    public double quantileMicros(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0 to 1)");
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < counts.size(); i++) {
            long inBucket = counts.get(i);
            if (seen + inBucket >= rank && inBucket > 0) {
                if (i == upperBoundsMicros.size()) {
                    return upperBoundsMicros.isEmpty() ? 0 : upperBoundsMicros.get(i - 1);
                }
                double lower = i == 0 ? 0 : upperBoundsMicros.get(i - 1);
                double upper = upperBoundsMicros.get(i);
                return lower + (upper - lower) * ((rank - seen) / inBucket);
            }
            seen += inBucket;
        }
        return upperBoundsMicros.isEmpty() ? 0 : upperBoundsMicros.get(upperBoundsMicros.size() - 1);
    }
}
