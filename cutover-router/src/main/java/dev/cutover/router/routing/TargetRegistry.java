package dev.cutover.router.routing;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.model.routing.TargetStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@link LiveTarget} the router knows: those of the applied table, and removed ones that still have requests
 * in flight or connections open. Removed targets are forgotten once they are idle, when stats are next read.
 *
 * <p>Thread-safety: {@link #update} is called by one thread at a time (the router serialises {@code apply});
 * {@link #stats()} may be called by any thread at any time.
 */
public final class TargetRegistry {

    private volatile Map<String, LiveTarget> live = Map.of();
    private final Set<LiveTarget> retired = ConcurrentHashMap.newKeySet();
    /** What {@link #stop} has left to do after {@link #start}: the targets that stop taking new requests. */
    private List<Runnable> pendingStops = List.of();

    /** {@link #start} and {@link #stop} at once, for callers with no snapshot to publish in between. */
    public Map<String, LiveTarget> update(RoutingTable table) {
        Map<String, LiveTarget> targets = start(table);
        stop();
        return targets;
    }

    /**
     * The first half of applying a table: every target the table has active takes new requests from now on, and
     * the targets of the table are returned by instance. Those it drains or no longer lists keep their lifecycle
     * until {@link #stop}, which the caller runs after it published the snapshot built from the result: a request
     * that reads the old snapshot and picks a target being stopped then either starts on it before the stop (and
     * is waited for), or finds the new snapshot when it looks again. The other order left a moment in which a
     * request whose route's only target was replaced found neither (503 {@code no_target}).
     */
    public Map<String, LiveTarget> start(RoutingTable table) {
        Map<String, Target> desired = new LinkedHashMap<>();
        Map<String, LiveTarget.Lifecycle> lifecycles = new HashMap<>();
        for (Route route : table.routes()) {
            for (TargetGroup group : route.groups()) {
                for (Target target : group.targets()) {
                    desired.putIfAbsent(target.instance(), target);
                    // One instance listed in several routes takes new requests if any of them says so; each
                    // route's own snapshot still only picks the targets it lists as active.
                    lifecycles.merge(target.instance(), lifecycleOf(target.state()),
                            (a, b) -> a == LiveTarget.Lifecycle.ACTIVE ? a : b);
                }
            }
        }

        Map<String, LiveTarget> previous = live;
        Map<String, LiveTarget> next = new HashMap<>();
        List<Runnable> stops = new ArrayList<>();
        for (Target target : desired.values()) {
            LiveTarget.Lifecycle lifecycle = lifecycles.get(target.instance());
            LiveTarget known = previous.get(target.instance());
            if (known == null || !known.hasAddress(target.host(), target.port())) {
                known = reviveRetired(target);
            }
            if (known == null) {
                known = new LiveTarget(target.instance(), target.host(), target.port(), lifecycle);
            }
            if (lifecycle == LiveTarget.Lifecycle.ACTIVE) {
                known.moveTo(lifecycle);
            } else {
                LiveTarget draining = known;
                stops.add(() -> draining.moveTo(lifecycle));
            }
            next.put(target.instance(), known);
        }
        for (LiveTarget old : previous.values()) {
            if (next.get(old.instance()) != old) {
                stops.add(() -> old.moveTo(LiveTarget.Lifecycle.REMOVED));
                retired.add(old);
            }
        }
        pendingStops = stops;
        live = Map.copyOf(next);
        return live;
    }

    /** The second half of applying a table: the targets it drains or no longer lists take no new request. */
    public void stop() {
        List<Runnable> stops = pendingStops;
        pendingStops = List.of();
        stops.forEach(Runnable::run);
    }

    private LiveTarget reviveRetired(Target target) {
        for (LiveTarget candidate : retired) {
            if (candidate.instance().equals(target.instance()) && candidate.hasAddress(target.host(), target.port())) {
                retired.remove(candidate);
                return candidate;
            }
        }
        return null;
    }

    /** Counters of the applied table's targets and of removed targets still busy; a live target wins a tie. */
    public Map<String, TargetStats> stats() {
        Map<String, TargetStats> stats = new LinkedHashMap<>();
        retired.removeIf(LiveTarget::isIdle);
        for (LiveTarget target : retired) {
            stats.put(target.instance(), target.stats());
        }
        for (LiveTarget target : live.values()) {
            stats.put(target.instance(), target.stats());
        }
        return stats;
    }

    private static LiveTarget.Lifecycle lifecycleOf(TargetState state) {
        return switch (state) {
            case ACTIVE -> LiveTarget.Lifecycle.ACTIVE;
            case DRAINING -> LiveTarget.Lifecycle.DRAINING;
        };
    }
}
