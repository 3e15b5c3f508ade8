package dev.cutover.router.routing;

import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.router.http.Authority;
import dev.cutover.router.http.RequestHead;
import dev.cutover.router.metrics.MetricsRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An applied routing table in the shape the hot path wants: host name to the routes of that host, longest path
 * prefix first. Exact host names are looked up first, then wildcard entries ({@code *.example.com}) from the most
 * specific suffix to the least. Immutable; published through a volatile field and read by every event loop.
 */
public final class RoutingSnapshot {

    public static final RoutingSnapshot EMPTY = new RoutingSnapshot(0, Map.of(), Map.of(), List.of());

    private final long version;
    private final Map<String, List<RouteEntry>> exactHosts;
    /** Keyed by the suffix after {@code *}, with its leading dot: {@code .example.com}. */
    private final Map<String, List<RouteEntry>> wildcardHosts;
    private final List<RouteEntry> routes;

    private RoutingSnapshot(long version, Map<String, List<RouteEntry>> exactHosts,
            Map<String, List<RouteEntry>> wildcardHosts, List<RouteEntry> routes) {
        this.version = version;
        this.routes = routes;
        this.exactHosts = exactHosts;
        this.wildcardHosts = wildcardHosts;
    }

    /** Builds the snapshot of a table whose active targets the registry has started ({@code TargetRegistry.start}). */
    public static RoutingSnapshot of(RoutingTable table, Map<String, LiveTarget> targets, MetricsRegistry metrics) {
        Map<String, List<RouteEntry>> exact = new HashMap<>();
        Map<String, List<RouteEntry>> wildcard = new HashMap<>();
        List<RouteEntry> all = new ArrayList<>();
        for (Route route : table.routes()) {
            RouteEntry entry = entryOf(route, targets, metrics);
            all.add(entry);
            for (String rawHost : route.hosts()) {
                String host = normalize(rawHost);
                if (host.startsWith("*.")) {
                    add(wildcard, host.substring(1), entry);
                } else {
                    add(exact, host, entry);
                }
            }
        }
        return new RoutingSnapshot(table.version(), freeze(exact), freeze(wildcard), List.copyOf(all));
    }

    /** Every route of the table, in table order. */
    public List<RouteEntry> routes() {
        return routes;
    }

    public long version() {
        return version;
    }

    /**
     * The route for a request, or {@code null} when no environment is served at the host or under the path.
     *
     * @param host the {@code Host} header without its port, lowercase
     * @param path the request path, without query
     */
    public RouteEntry resolve(String host, String path) {
        List<RouteEntry> routes = exactHosts.get(host);
        if (routes != null) {
            return byPath(routes, path);
        }
        if (wildcardHosts.isEmpty()) {
            return null;
        }
        // "*.example.com" matches one or more labels in front of "example.com": try ".b.example.com" for
        // "a.b.example.com" first, then ".example.com", then ".com".
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            routes = wildcardHosts.get(host.substring(dot));
            if (routes != null) {
                return byPath(routes, path);
            }
        }
        return null;
    }

    /**
     * The route for a parsed request, or {@code null}. The path is only taken out of the head when the host has a
     * route that does not serve every path.
     */
    public RouteEntry resolve(RequestHead head) {
        String host = head.host();
        List<RouteEntry> routes = exactHosts.get(host);
        if (routes == null) {
            routes = wildcardRoutes(host);
            if (routes == null) {
                return null;
            }
        }
        if (routes.size() == 1 && routes.get(0).catchAll()) {
            return routes.get(0);
        }
        return byPath(routes, head.path());
    }

    private List<RouteEntry> wildcardRoutes(String host) {
        if (wildcardHosts.isEmpty()) {
            return null;
        }
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            List<RouteEntry> routes = wildcardHosts.get(host.substring(dot));
            if (routes != null) {
                return routes;
            }
        }
        return null;
    }

    private static RouteEntry byPath(List<RouteEntry> routes, String path) {
        String matched = MatchedPath.of(path);
        for (RouteEntry route : routes) {
            if (route.matchesPath(matched)) {
                return route;
            }
        }
        return null;
    }

    private static RouteEntry entryOf(Route route, Map<String, LiveTarget> targets, MetricsRegistry metrics) {
        List<RouteEntry.GroupEntry> groups = new ArrayList<>();
        List<RouteEntry.GroupEntry> standby = new ArrayList<>();
        for (TargetGroup group : route.groups()) {
            List<LiveTarget> active = new ArrayList<>();
            for (Target target : group.targets()) {
                LiveTarget live = targets.get(target.instance());
                if (target.state() == TargetState.ACTIVE && live != null && !active.contains(live)) {
                    active.add(live);
                }
            }
            if (!active.isEmpty()) {
                (group.weight() > 0 ? groups : standby).add(new RouteEntry.GroupEntry(group.name(), group.weight(),
                        active, metrics.group(route.environment(), group.name()),
                        route.options().balance() == Balance.ROUND_ROBIN, new AtomicInteger()));
            }
        }
        return new RouteEntry(route.environment(), route.pathPrefix(), groups, standby,
                metrics.group(route.environment(), GroupStats.NO_GROUP), route.options());
    }

    private static void add(Map<String, List<RouteEntry>> index, String key, RouteEntry entry) {
        List<RouteEntry> routes = index.computeIfAbsent(key, k -> new ArrayList<>());
        // Two routes claiming the same host and prefix: the first in the table wins.
        boolean samePrefix = routes.stream().anyMatch(r -> r.pathPrefix().equals(entry.pathPrefix()));
        if (!samePrefix) {
            routes.add(entry);
        }
    }

    private static Map<String, List<RouteEntry>> freeze(Map<String, List<RouteEntry>> index) {
        Map<String, List<RouteEntry>> frozen = new HashMap<>();
        index.forEach((host, routes) -> {
            routes.sort(Comparator.comparingInt((RouteEntry r) -> r.pathPrefix().length()).reversed());
            frozen.put(host, List.copyOf(routes));
        });
        return Map.copyOf(frozen);
    }

    /** Lowercase, without a trailing dot: the form hosts are compared in. */
    public static String normalize(String host) {
        return Authority.normalize(host);
    }
}
