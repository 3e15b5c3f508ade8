package dev.cutover.router.routing;

import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.router.metrics.GroupMetrics;
import dev.cutover.router.metrics.MetricsRegistry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One route of a snapshot, ready to pick from: only groups with a positive weight and at least one active target
 * are kept, each with its active targets.
 *
 * @param environment the environment served, the tag for logs, metrics and error bodies
 * @param pathPrefix the path prefix the route matches
 * @param groups the pickable groups; empty when the route has no usable target (the client gets a 503)
 * @param unpicked the metrics of requests answered before a group was picked ({@link GroupStats#NO_GROUP})
 * @param options balancing, HTTPS redirect, body limit
 */
public record RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups, GroupMetrics unpicked,
        RouteOptions options) {

    /** Metrics for routes built outside a router (tests). */
    private static final MetricsRegistry DETACHED = new MetricsRegistry();

    public RouteEntry {
        groups = List.copyOf(groups);
        Objects.requireNonNull(options, "options");
    }

    public RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups) {
        this(environment, pathPrefix, groups, DETACHED.group(environment, GroupStats.NO_GROUP), RouteOptions.DEFAULT);
    }

    /**
     * A pickable target group: its weight, its active targets and its metrics.
     *
     * @param roundRobin whether targets are picked in turn rather than by fewest requests in flight
     * @param turn round robin's position, shared by the event loops
     */
    public record GroupEntry(String name, int weight, List<LiveTarget> targets, GroupMetrics metrics,
            boolean roundRobin, AtomicInteger turn) {
        public GroupEntry {
            targets = List.copyOf(targets);
        }

        public GroupEntry(String name, int weight, List<LiveTarget> targets) {
            this(name, weight, targets, DETACHED.group("", name), false, new AtomicInteger());
        }
    }

    boolean matchesPath(String path) {
        return path.startsWith(pathPrefix);
    }

    /** Whether the route serves every path of its hosts. */
    boolean catchAll() {
        return pathPrefix.equals("/");
    }
}
