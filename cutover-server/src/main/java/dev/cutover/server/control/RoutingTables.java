package dev.cutover.server.control;

import dev.cutover.model.agent.AgentReport;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.name.EnvRef;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.model.routing.TrafficRouter;
import dev.cutover.store.EnvRow;
import dev.cutover.store.InstanceRow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives the routing table from the instances the controller wants routed and what their agents report, publishes
 * it when it changed, and answers what the router has acknowledged.
 *
 * <p>An instance is routed when the controller wants it ({@code ACTIVE} or {@code DRAINING}), its process is alive
 * and its port is known; an {@code ACTIVE} one must also be healthy, unless none of its environment is (then all
 * alive ones are tried: failing open beats a 503 for everyone). An instance that dies leaves the table at the next
 * tick.
 *
 * <p>Touched only by the control loop's thread.
 */
final class RoutingTables {

    private final TrafficRouter router;
    private final String domain;
    /** A table as published, with the traffic split each environment asked for when it was built. */
    private record Published(RoutingTable table, Map<Long, Map<Integer, Integer>> weights) {}

    private final Deque<Published> unacknowledged = new ArrayDeque<>();
    private Published published;
    private Published acknowledged;

    /**
     * Versions go on from what the router has applied: a router that took over from another server's starts with
     * that server's table, and would ignore lower versions.
     */
    RoutingTables(TrafficRouter router, String domain) {
        this.router = router;
        this.domain = domain;
        this.published = new Published(new RoutingTable(router.appliedVersion(), List.of()), Map.of());
        this.acknowledged = published;
    }

    String hostname(String app, String env) {
        return new EnvRef(app, env).hostLabel() + "." + domain;
    }

    /**
     * @param options each environment's routing options (balance, HTTPS redirect, body limit), from the manifest
     *                of the release that serves it
     */
    void publish(List<EnvRow> envs, List<InstanceRow> running, Map<String, InstanceReport> reports, AgentReport agent,
            java.util.function.Function<EnvRow, RouteOptions> options) {
        Map<Long, List<InstanceRow>> byEnv = new HashMap<>();
        for (InstanceRow row : running) {
            if (!row.routing().equals("NONE")) {
                byEnv.computeIfAbsent(row.envId(), k -> new ArrayList<>()).add(row);
            }
        }
        List<Route> routes = new ArrayList<>();
        Map<Long, Map<Integer, Integer>> weights = new HashMap<>();
        for (EnvRow env : envs) {
            List<InstanceRow> rows = byEnv.getOrDefault(env.id(), List.of());
            Route main = route(env, rows, reports, agent.address(), options.apply(env));
            routes.add(main);
            weights.put(env.id(), env.weights());
            if (env.previewRelease() != 0) {
                routes.add(preview(env, main));
            }
        }
        if (routes.equals(published.table().routes())) {
            return;
        }
        published = new Published(new RoutingTable(published.table().version() + 1, routes), weights);
        unacknowledged.addLast(published);
        router.apply(published.table());
    }

    /** The preview host routes only to the previewed release's targets. */
    private Route preview(EnvRow env, Route main) {
        String group = group(env.previewRelease());
        List<TargetGroup> groups = main.groups().stream().filter(g -> g.name().equals(group))
                .map(g -> new TargetGroup(g.name(), 1, g.targets())).toList();
        return new Route(env.app() + "/" + env.name() + " preview",
                List.of(new EnvRef(env.app(), env.name()).hostLabel() + "-preview." + domain), "/", groups,
                main.options());
    }

    private Route route(EnvRow env, List<InstanceRow> rows, Map<String, InstanceReport> reports, String address,
            RouteOptions options) {
        boolean anyHealthy = rows.stream().anyMatch(r -> r.routing().equals("ACTIVE")
                && phase(reports, r.id()) == InstancePhase.HEALTHY);
        Map<Integer, List<Target>> byRelease = new TreeMap<>();
        for (InstanceRow row : rows) {
            InstanceReport report = reports.get(row.id());
            if (report == null || !report.phase().alive() || report.port() == 0) {
                continue;
            }
            boolean active = row.routing().equals("ACTIVE");
            if (active && anyHealthy && report.phase() != InstancePhase.HEALTHY) {
                continue;
            }
            byRelease.computeIfAbsent(row.release(), k -> new ArrayList<>()).add(new Target(row.id(), address,
                    report.port(), active ? TargetState.ACTIVE : TargetState.DRAINING));
        }
        List<TargetGroup> groups = new ArrayList<>();
        // split by the environment's weights when a deployment set them, else by instance count
        byRelease.forEach((release, targets) -> groups.add(new TargetGroup(group(release), env.weights().isEmpty()
                ? (int) targets.stream().filter(t -> t.state() == TargetState.ACTIVE).count()
                : env.weights().getOrDefault(release, 0), targets)));
        return new Route(routeName(env.app(), env.name()), List.of(hostname(env.app(), env.name())), "/", groups,
                options);
    }

    /** The name of an environment's main route, the metric and log tag. */
    static String routeName(String app, String env) {
        return app + "/" + env;
    }

    /** The name of a release's target group, also its metric tag. */
    static String group(int release) {
        return "v" + release;
    }

    /** The release a group of {@link #group} serves. */
    static int release(String group) {
        return Integer.parseInt(group.substring(1));
    }

    /** The newest table the router has acknowledged. */
    RoutingTable acknowledgedTable() {
        catchUp();
        return acknowledged.table();
    }

    /** Moves the acknowledged table forward to the newest one the router has applied. */
    private void catchUp() {
        long applied = router.appliedVersion();
        while (!unacknowledged.isEmpty() && unacknowledged.peekFirst().table().version() <= applied) {
            acknowledged = unacknowledged.removeFirst();
        }
    }

    /** The state of each instance in the newest table the router has acknowledged. */
    Map<String, TargetState> routed() {
        catchUp();
        Map<String, TargetState> view = new HashMap<>();
        for (Route route : acknowledged.table().routes()) {
            for (TargetGroup group : route.groups()) {
                for (Target t : group.targets()) {
                    view.put(t.instance(), t.state());
                }
            }
        }
        return view;
    }

    /** Whether a table with another split for the environment was published and is not acknowledged yet. */
    boolean weightsPending(long envId) {
        catchUp();
        Map<Integer, Integer> acked = acknowledgedWeights(envId);
        return unacknowledged.stream().anyMatch(p -> !p.weights().getOrDefault(envId, Map.of()).equals(acked));
    }

    /** The traffic split of an environment in the newest acknowledged table; empty: by instance count. */
    Map<Integer, Integer> acknowledgedWeights(long envId) {
        return acknowledged.weights().getOrDefault(envId, Map.of());
    }

    private static InstancePhase phase(Map<String, InstanceReport> reports, String id) {
        InstanceReport r = reports.get(id);
        return r == null ? null : r.phase();
    }
}
