package dev.cutover.router.routing;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.model.routing.TargetStats;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    /**
     * Moves every known target to the lifecycle the table gives it and returns the targets of the table by
     * instance. Lifecycles are written here, before the caller publishes the snapshot built from the result.
     */
    public Map<String, LiveTarget> update(RoutingTable table) {
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
        for (Target target : desired.values()) {
            LiveTarget.Lifecycle lifecycle = lifecycles.get(target.instance());
            LiveTarget known = previous.get(target.instance());
            if (known == null || !known.hasAddress(target.host(), target.port())) {
                known = reviveRetired(target);
            }
            if (known == null) {
                known = new LiveTarget(target.instance(), target.host(), target.port(), lifecycle);
            }
            known.moveTo(lifecycle);
            next.put(target.instance(), known);
        }
        for (LiveTarget old : previous.values()) {
            if (next.get(old.instance()) != old) {
                old.moveTo(LiveTarget.Lifecycle.REMOVED);
                retired.add(old);
            }
        }
        live = Map.copyOf(next);
        return live;
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
