package dev.cutover.router.routing;

import java.util.List;

/**
 * One route of a snapshot, ready to pick from: only groups with a positive weight and at least one active target
 * are kept, each with its active targets.
 *
 * @param environment the environment served, the tag for logs, metrics and error bodies
 * @param pathPrefix the path prefix the route matches
 * @param groups the pickable groups; empty when the route has no usable target (the client gets a 503)
 */
public record RouteEntry(String environment, String pathPrefix, List<GroupEntry> groups) {

    public RouteEntry {
        groups = List.copyOf(groups);
    }

    /** A pickable target group: its weight and its active targets. */
    public record GroupEntry(String name, int weight, List<LiveTarget> targets) {
        public GroupEntry {
            targets = List.copyOf(targets);
        }
    }

    boolean matchesPath(String path) {
        return path.startsWith(pathPrefix);
    }
}
