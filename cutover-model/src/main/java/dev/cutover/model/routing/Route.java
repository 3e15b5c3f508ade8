package dev.cutover.model.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where requests for some host names go.
 *
 * @param environment the environment served, {@code APP/ENV}; the metric and log tag
 * @param hosts host names matched against the request's {@code Host} without its port, lowercase;
 *              a leading {@code *.} matches any one or more labels in front of the rest
 * @param pathPrefix only requests whose path starts with this ({@code /} for all)
 * @param groups the weighted target groups
 * @param options balancing, HTTPS redirect and body limit
 */
public record Route(String environment, List<String> hosts, String pathPrefix, List<TargetGroup> groups,
        RouteOptions options) {
    public Route {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(environment, "environment");
        hosts = List.copyOf(hosts);
        pathPrefix = pathPrefix == null || pathPrefix.isEmpty() ? "/" : pathPrefix;
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix: '" + pathPrefix + "' (expected: a path starting with '/')");
        }
        groups = List.copyOf(groups);
    }

    /** A route with the default options. */
    public Route(String environment, List<String> hosts, String pathPrefix, List<TargetGroup> groups) {
        this(environment, hosts, pathPrefix, groups, RouteOptions.DEFAULT);
    }

    /**
     * One group's part of the route's traffic.
     *
     * @param percent the share of new requests the router sends it, 0 to 100
     * @param activeTargets its targets that take new requests
     */
    public record Share(String group, double percent, int activeTargets) {}

    /**
     * Each group's share of new requests, in the table's order, by the rule the router picks by: a group with a
     * positive weight and at least one active target gets its weight's part of the total weight of such groups;
     * every other group (weight 0, or only draining targets) gets none. When no group with a weight has an active
     * target, the groups at weight 0 that have one (standing by) share the requests equally. All zero when no group
     * has an active target.
     */
    public List<Share> shares() {
        long total = 0;
        for (TargetGroup g : groups) {
            total += g.weight() > 0 && serves(g) ? g.weight() : 0;
        }
        long standingBy = total > 0 ? 0 : groups.stream().filter(Route::serves).count();
        List<Share> shares = new ArrayList<>(groups.size());
        for (TargetGroup g : groups) {
            int active = (int) g.targets().stream().filter(t -> t.state() == TargetState.ACTIVE).count();
            double percent = !serves(g) ? 0 : total > 0 ? 100.0 * g.weight() / total : 100.0 / standingBy;
            shares.add(new Share(g.name(), percent, active));
        }
        return shares;
    }

    private static boolean serves(TargetGroup g) {
        return g.targets().stream().anyMatch(t -> t.state() == TargetState.ACTIVE);
    }
}
