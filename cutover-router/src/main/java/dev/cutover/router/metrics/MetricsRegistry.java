package dev.cutover.router.metrics;

import dev.cutover.model.routing.GroupStats;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every {@link GroupMetrics} the router has created, by {@link GroupStats#key}, and the counters of requests that
 * never reached a route (refused as malformed, or for a host no route serves), by failure tag.
 *
 * <p>Thread-safety: {@link #group} is called by the thread applying a table; the rest by anyone.
 */
public final class MetricsRegistry {

    private final Map<String, GroupMetrics> groups = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> unrouted = new ConcurrentHashMap<>();

    /** The metrics of a group, created on first use and kept for the router's lifetime. */
    public GroupMetrics group(String environment, String group) {
        return groups.computeIfAbsent(GroupStats.key(environment, group), k -> new GroupMetrics(environment, group));
    }

    public Iterable<GroupMetrics> groups() {
        return groups.values();
    }

    /** A request answered before any route was found for it, e.g. {@code bad_request} or {@code no_route}. */
    public void unrouted(String tag) {
        unrouted.computeIfAbsent(tag, t -> new LongAdder()).increment();
    }

    public Map<String, Long> unroutedCounts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        unrouted.forEach((tag, count) -> counts.put(tag, count.sum()));
        return counts;
    }
}
