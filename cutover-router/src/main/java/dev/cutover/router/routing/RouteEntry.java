package dev.cutover.router.routing;

import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.router.metrics.GroupMetrics;
import dev.cutover.router.metrics.MetricsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One route of a snapshot, ready to pick from: only groups with at least one active target are kept, each with its
 * active targets; those with a positive weight share the requests, those at weight 0 stand by.
 *
 * @param environment the environment served, the tag for logs, metrics and error bodies
 * @param pathPrefix the path prefix the route matches
 * @param groups the groups with a weight; with {@code standby}, empty when the route has no usable target (the
 *     client gets a 503)
 * @param standby the groups at weight 0 with active targets (blue-green's old set in keep-old, a candidate waiting
 *     at 0%): they take a request only when no target of {@code groups} could (see {@link TargetPicker})
 * @param unpicked the metrics of requests answered before a group was picked ({@link GroupStats#NO_GROUP})
 * @param options balancing, HTTPS redirect, body limit
 */
public record RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups, List<GroupEntry> standby,
        GroupMetrics unpicked, RouteOptions options) {

    /** Metrics for routes built outside a router (tests). */
    private static final MetricsRegistry DETACHED = new MetricsRegistry();

    public RouteEntry {
        groups = List.copyOf(groups);
        standby = List.copyOf(standby);
        Objects.requireNonNull(options, "options");
    }

    public RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups) {
        this(environment, pathPrefix, groups, List.of());
    }

    public RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups, List<GroupEntry> standby) {
        this(environment, pathPrefix, groups, standby, DETACHED.group(environment, GroupStats.NO_GROUP),
                RouteOptions.DEFAULT);
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

    /** The groups with a weight, then those standing by. */
    public List<GroupEntry> everyGroup() {
        if (standby.isEmpty()) {
            return groups;
        }
        List<GroupEntry> all = new ArrayList<>(groups);
        all.addAll(standby);
        return all;
    }

    boolean matchesPath(String path) {
        return path.startsWith(pathPrefix);
    }

    /** Whether the route serves every path of its hosts. */
    boolean catchAll() {
        return pathPrefix.equals("/");
    }
}
