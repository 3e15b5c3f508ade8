package dev.cutover.model.routing;

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
}
