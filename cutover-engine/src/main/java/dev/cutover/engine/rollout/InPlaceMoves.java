package dev.cutover.engine.rollout;

import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.manifest.DeployPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The moves of the in-place strategies for {@code web}: instances are replaced batch by batch where they stand, and
 * traffic follows them (the router splits by instance count).
 *
 * <ul>
 *   <li>{@code rolling} with surge: start a batch of new instances, route to them, then drain and stop as many old
 *       ones: capacity never drops;
 *   <li>{@code rolling} without surge: drain and stop a batch of old instances first, then start new ones in their
 *       place: capacity drops by one batch;
 *   <li>{@code rolling-with-additional-batch}: rolling with surge: the extra batch runs first, so capacity stays full;
 *   <li>{@code all-at-once}: one batch of everything without surge: every old instance stops before the new ones
 *       start, so there is downtime, by design.
 * </ul>
 *
 * Rolling back runs the same moves towards the stable release, with surge in one batch: every missing stable
 * instance starts at once (up to twice the instances for a moment), then the failed release's drain together.
 */
final class InPlaceMoves {

    private final Tick t;

    InPlaceMoves(Tick t) {
        this.t = t;
    }

    /** One move for {@code web}: resume a pending wait, or launch, or drain. Returns false when it is done. */
    boolean web(ReleaseShape goal) {
        String type = ReleaseShape.WEB;
        List<InstanceRecord> live = t.live(type);
        List<InstanceRecord> draining = live.stream().filter(r -> r.routing() == Routing.DRAINING).toList();
        if (!draining.isEmpty() && t.state.phase() == Phase.ROLLING_BACK) {
            draining = keepRouting(goal, live, draining);
        }
        if (!draining.isEmpty()) {
            // resumes a drain a crash may have cut off; the repeated action is harmless
            draining.forEach(r -> t.setRouting(r, Routing.DRAINING));
            t.state = t.state.with(new Step.AwaitDrained(draining.stream().map(InstanceRecord::id).toList(), t.now,
                    t.now.plus(t.spec.stopTimeout())), t.now);
            return true;
        }
        List<String> pending = live.stream().filter(r -> r.release() == goal.number() && r.routing() == Routing.NONE)
                .map(InstanceRecord::id).toList();
        if (!pending.isEmpty()) {
            t.state = t.state.with(new Step.AwaitReady(pending, t.now, t.now.plus(t.deadline()), null), t.now);
            return true;
        }
        List<InstanceRecord> olds = t.stopUnrouted(live.stream().filter(r -> r.release() != goal.number()).toList());
        List<InstanceRecord> news = t.live(type).stream()
                .filter(r -> r.release() == goal.number() && r.routing() == Routing.ACTIVE).toList();
        int want = goal.count(type);
        DeployPolicy p = t.spec.policy();
        boolean surge = surge(p);
        // rolling back with surge, the stable set comes back whole at once, then the failed release's instances
        // drain together: they may be crashing or failing under traffic, and a batch at a time would leave them
        // routed for as many start-ups as there are batches
        // a first deployment has no traffic to protect: it starts every instance at once, whatever the strategy
        boolean first = t.spec.stable().number() == 0 && t.state.phase() == Phase.RUNNING;
        int batch = first || surge && t.state.phase() == Phase.ROLLING_BACK ? Math.max(1, want)
                : batch(p, Math.max(want, news.size() + olds.size()));
        if (news.size() > want) {
            t.drain(last(news, Math.min(batch, news.size() - want)));
        } else if (surge) {
            if (news.size() + olds.size() > want && !olds.isEmpty()) {
                t.drain(olds.subList(0, Math.min(Math.min(batch, news.size() + olds.size() - want), olds.size())));
            } else if (news.size() < want) {
                t.launch(goal, type, Math.min(batch, want - news.size()));
            } else if (!olds.isEmpty()) {
                t.drain(olds.subList(0, Math.min(batch, olds.size())));
            } else {
                return false;
            }
        } else {
            if (!olds.isEmpty() && news.size() + olds.size() >= want) {
                List<InstanceRecord> batchOfOlds = olds.subList(0, Math.min(batch, olds.size()));
                if (batchOfOlds.size() == news.size() + olds.size()) {
                    t.events.add(p.strategy() + ": every instance stops before the new ones start: "
                            + "the environment answers 503 until they are healthy");
                }
                t.drain(batchOfOlds);
            } else if (news.size() + olds.size() < want) {
                t.launch(goal, type, Math.min(batch, want - news.size() - olds.size()));
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Rolling back, the healthy instances of the release it goes back to that were draining (a scale-in or a removal
     * turned around, or an old batch of a rolling deploy) take traffic again, as many as the stable set is short of,
     * instead of finishing their drain only for new ones to start in their place: they were never sent a stop
     * signal, and the environment keeps its capacity. Returns the instances still to drain.
     */
    private List<InstanceRecord> keepRouting(ReleaseShape goal, List<InstanceRecord> live,
            List<InstanceRecord> draining) {
        long active = live.stream().filter(r -> r.release() == goal.number() && r.routing() == Routing.ACTIVE).count();
        long missing = goal.count(ReleaseShape.WEB) - active;
        List<InstanceRecord> kept = new ArrayList<>();
        List<InstanceRecord> left = new ArrayList<>();
        for (InstanceRecord r : draining) {
            Observation o = t.obs.instances().get(r.id());
            boolean healthy = o != null && o.phase() == InstancePhase.HEALTHY;
            if (kept.size() < missing && r.release() == goal.number() && healthy) {
                kept.add(r);
            } else {
                left.add(r);
            }
        }
        if (!kept.isEmpty()) {
            kept.forEach(r -> t.setRouting(r, Routing.ACTIVE));
            boolean one = kept.size() == 1;
            t.events.add("routing " + kept.stream().map(InstanceRecord::id).collect(Collectors.joining(", "))
                    + " (v" + goal.number() + ") again: "
                    + (one ? "it was draining, and the rollback keeps it" : "they were draining, and the rollback "
                    + "keeps them"));
        }
        return left;
    }

    /**
     * Whether new instances start before old ones stop. A shifting strategy lands here only to roll back when its
     * stable set is no longer whole; it promised full capacity, so it always starts first.
     */
    static boolean surge(DeployPolicy p) {
        return switch (p.strategy()) {
            case DeployPolicy.ALL_AT_ONCE -> false;
            case DeployPolicy.ROLLING -> p.surge();
            default -> true;
        };
    }

    static int batch(DeployPolicy p, int instances) {
        return p.strategy().equals(DeployPolicy.ALL_AT_ONCE) ? Math.max(1, instances) : p.batch().of(instances);
    }

    private static List<InstanceRecord> last(List<InstanceRecord> records, int n) {
        return new ArrayList<>(records.subList(records.size() - n, records.size()));
    }
}
