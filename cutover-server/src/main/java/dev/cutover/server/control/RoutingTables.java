package dev.cutover.server.control;

import dev.cutover.model.agent.AgentReport;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.name.EnvRef;
import dev.cutover.model.routing.Route;
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
    private final Deque<RoutingTable> unacknowledged = new ArrayDeque<>();
    private RoutingTable published = RoutingTable.EMPTY;
    private RoutingTable acknowledged = RoutingTable.EMPTY;

    RoutingTables(TrafficRouter router, String domain) {
        this.router = router;
        this.domain = domain;
    }

    String hostname(String app, String env) {
        return new EnvRef(app, env).hostLabel() + "." + domain;
    }

    void publish(List<EnvRow> envs, List<InstanceRow> running, Map<String, InstanceReport> reports, AgentReport agent) {
        Map<Long, List<InstanceRow>> byEnv = new HashMap<>();
        for (InstanceRow row : running) {
            if (!row.routing().equals("NONE")) {
                byEnv.computeIfAbsent(row.envId(), k -> new ArrayList<>()).add(row);
            }
        }
        List<Route> routes = new ArrayList<>();
        for (EnvRow env : envs) {
            routes.add(route(env, byEnv.getOrDefault(env.id(), List.of()), reports, agent.address()));
        }
        if (routes.equals(published.routes())) {
            return;
        }
        published = new RoutingTable(published.version() + 1, routes);
        unacknowledged.addLast(published);
        router.apply(published);
    }

    private Route route(EnvRow env, List<InstanceRow> rows, Map<String, InstanceReport> reports, String address) {
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
        byRelease.forEach((release, targets) -> groups.add(new TargetGroup("v" + release,
                (int) targets.stream().filter(t -> t.state() == TargetState.ACTIVE).count(), targets)));
        return new Route(env.app() + "/" + env.name(), List.of(hostname(env.app(), env.name())), "/", groups);
    }

    /** The state of each instance in the newest table the router has acknowledged. */
    Map<String, TargetState> routed() {
        long applied = router.appliedVersion();
        while (!unacknowledged.isEmpty() && unacknowledged.peekFirst().version() <= applied) {
            acknowledged = unacknowledged.removeFirst();
        }
        Map<String, TargetState> view = new HashMap<>();
        for (Route route : acknowledged.routes()) {
            for (TargetGroup group : route.groups()) {
                for (Target t : group.targets()) {
                    view.put(t.instance(), t.state());
                }
            }
        }
        return view;
    }

    private static InstancePhase phase(Map<String, InstanceReport> reports, String id) {
        InstanceReport r = reports.get(id);
        return r == null ? null : r.phase();
    }
}
