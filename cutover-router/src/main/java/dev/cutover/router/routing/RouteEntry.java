package dev.cutover.router.routing;

import dev.cutover.model.routing.GroupStats;
import dev.cutover.router.metrics.GroupMetrics;
import dev.cutover.router.metrics.MetricsRegistry;
import java.util.List;

/**
 * One route of a snapshot, ready to pick from: only groups with a positive weight and at least one active target
 * are kept, each with its active targets.
 *
 * @param environment the environment served, the tag for logs, metrics and error bodies
 * @param pathPrefix the path prefix the route matches
 * @param groups the pickable groups; empty when the route has no usable target (the client gets a 503)
 * @param unpicked the metrics of requests answered before a group was picked ({@link GroupStats#NO_GROUP})
 */
public record RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups, GroupMetrics unpicked) {

    /** Metrics for routes built outside a router (tests). */
    private static final MetricsRegistry DETACHED = new MetricsRegistry();

    public RouteEntry {
        groups = List.copyOf(groups);
    }

    public RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups) {
        this(environment, pathPrefix, groups, DETACHED.group(environment, GroupStats.NO_GROUP));
    }

    /** A pickable target group: its weight, its active targets and its metrics. */
    public record GroupEntry(String name, int weight, List<LiveTarget> targets, GroupMetrics metrics) {
        public GroupEntry {
            targets = List.copyOf(targets);
        }

        public GroupEntry(String name, int weight, List<LiveTarget> targets) {
            this(name, weight, targets, DETACHED.group("", name));
        }
    }

    boolean matchesPath(String path) {
        return path.startsWith(pathPrefix);
    }
}
