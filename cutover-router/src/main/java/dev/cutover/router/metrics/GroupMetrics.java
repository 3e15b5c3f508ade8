package dev.cutover.router.metrics;

import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.LatencyHistogram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one target group of one route: answered requests, responses by status class, failures by
 * tag and a latency histogram. One object per (environment, group) for the router's lifetime, shared by successive
 * snapshots, so counters survive table changes. In-flight requests and open connections are not counted here: they
 * are the sums of the group's targets' own counters, read when a snapshot is taken.
 *
 * <p>Thread-safety: {@link #record} is called by every event loop without locks (striped {@link LongAdder}s, a
 * few increments per request); {@link #snapshot} may be called by any thread and is consistent per counter, not
 * across counters.
 */
public final class GroupMetrics {

    /** Bucket bounds, microseconds: 250 µs doubling to about 65 s, then everything above. */
    static final long[] BOUNDS_MICROS = bounds();

    private final String environment;
    private final String group;
    private final LongAdder requests = new LongAdder();
    private final LongAdder[] classes = adders(5);
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LongAdder[] buckets = adders(BOUNDS_MICROS.length + 1);
    private final LongAdder sumMicros = new LongAdder();

    GroupMetrics(String environment, String group) {
        this.environment = environment;
        this.group = group;
    }

    public String environment() {
        return environment;
    }

    public String group() {
        return group;
    }

    /**
     * One answered request.
     *
     * @param status the status the client got
     * @param nanos from the request head read to the end of the response
     * @param failure the failure tag when the router answered or cut the response short, else {@code null}
     */
    public void record(int status, long nanos, String failure) {
        requests.increment();
        int statusClass = status / 100;
        if (statusClass >= 1 && statusClass <= 5) {
            classes[statusClass - 1].increment();
        }
        if (failure != null) {
            failures.computeIfAbsent(failure, f -> new LongAdder()).increment();
        }
        long micros = Math.max(0, nanos / 1000);
        buckets[bucketOf(micros)].increment();
        sumMicros.add(micros);
    }

    static int bucketOf(long micros) {
        // Bucket i holds (BOUNDS[i-1], BOUNDS[i]]; the bounds double, so the index is a leading-zeros count.
        if (micros <= BOUNDS_MICROS[0]) {
            return 0;
        }
        int index = 64 - Long.numberOfLeadingZeros((micros - 1) / BOUNDS_MICROS[0]);
        return Math.min(index, BOUNDS_MICROS.length);
    }

    /** A snapshot, with the in-flight and connection counts given by the caller (summed over the targets). */
    public GroupStats snapshot(int inFlight, int openConnections) {
        Map<String, Long> byClass = new LinkedHashMap<>();
        for (int i = 0; i < classes.length; i++) {
            byClass.put((i + 1) + "xx", classes[i].sum());
        }
        Map<String, Long> failed = new LinkedHashMap<>();
        failures.forEach((tag, count) -> failed.put(tag, count.sum()));
        List<Long> bounds = new ArrayList<>(BOUNDS_MICROS.length);
        for (long bound : BOUNDS_MICROS) {
            bounds.add(bound);
        }
        List<Long> counts = new ArrayList<>(buckets.length);
        long count = 0;
        for (LongAdder bucket : buckets) {
            long c = bucket.sum();
            counts.add(c);
            count += c;
        }
        return new GroupStats(environment, group, requests.sum(), byClass, failed, inFlight, openConnections,
                new LatencyHistogram(bounds, counts, count, sumMicros.sum()));
    }

    private static long[] bounds() {
        long[] bounds = new long[19];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = 250L << i;
        }
        return bounds;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
