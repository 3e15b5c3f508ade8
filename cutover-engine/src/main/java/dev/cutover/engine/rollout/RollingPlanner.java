package dev.cutover.engine.rollout;

import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.routing.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rolling strategy, one instance at a time, surge first: start a new instance, wait until it is healthy, route
 * to it, wait for the router's acknowledgement, mark one old instance draining, wait for the acknowledgement and
 * for its in-flight requests to finish (at most the stop timeout), then stop it. Process types without a port are
 * replaced after {@code web}: old ones stopped first, then new ones started.
 *
 * <p>A failure turns the deployment around: the same reconciliation runs towards the stable release, so instances
 * already replaced are replaced back, and instances of the failed release are drained and stopped.
 *
 * <p>Pure: a function of (spec, state, inventory, observations). Within one call it chains every step that needs no
 * waiting, so a tick does as much as the world allows.
 */
public final class RollingPlanner {

    private static final int MAX_TRANSITIONS_PER_TICK = 64;

    private RollingPlanner() {}

    public static Plan plan(RolloutSpec spec, RolloutState state, List<InstanceRecord> inventory, Observations obs) {
        Tick tick = new Tick(spec, state, inventory, obs);
        tick.run();
        return new Plan(tick.state, tick.actions, tick.events);
    }

    /** One call's working copy. Not thread-safe; lives for one call. */
    private static final class Tick {
        private final RolloutSpec spec;
        private final Observations obs;
        private final Instant now;
        private final Map<String, InstanceRecord> inventory = new LinkedHashMap<>();
        private final List<Action> actions = new ArrayList<>();
        private final List<String> events = new ArrayList<>();
        private RolloutState state;

        Tick(RolloutSpec spec, RolloutState state, List<InstanceRecord> inventory, Observations obs) {
            this.spec = spec;
            this.state = state;
            this.obs = obs;
            this.now = obs.now();
            inventory.forEach(r -> this.inventory.put(r.id(), r));
        }

        void run() {
            if (state.phase().finished()) {
                return;
            }
            if (obs.abortRequested() && state.phase() == Phase.RUNNING) {
                String at = state.step() instanceof Step.AwaitReady r ? r.instance() : null;
                fail(new Failure(FailureReason.ABORTED, "aborted on request", at));
            }
            for (int i = 0; i < MAX_TRANSITIONS_PER_TICK && !state.phase().finished(); i++) {
                if (!advance()) {
                    return;
                }
            }
        }

        /** Moves one step on; returns false when the deployment must wait for the world. */
        private boolean advance() {
            return switch (state.step()) {
                case Step.Choose c -> choose();
                case Step.AwaitReady r -> awaitReady(r);
                case Step.AwaitRouted r -> awaitRouted(r);
                case Step.AwaitDrained d -> awaitDrained(d);
                case Step.Done d -> false;
            };
        }

        private boolean awaitReady(Step.AwaitReady step) {
            InstanceRecord rec = inventory.get(step.instance());
            if (rec == null || !rec.running()) {
                state = state.with(new Step.Choose(), now);
                return true;
            }
            Observation o = obs.instances().get(rec.id());
            if (o != null && ready(rec, o)) {
                String took = seconds(Duration.between(step.since(), now));
                if (listens(rec)) {
                    setRouting(rec, Routing.ACTIVE);
                    events.add(rec.id() + " healthy after " + took + "; adding it to the router");
                    state = state.with(new Step.AwaitRouted(rec.id(), now, now.plus(spec.deadline())), now);
                } else {
                    events.add(rec.id() + " running after " + took);
                    state = state.with(new Step.Choose(), now);
                }
                return true;
            }
            if (o != null && o.phase() == InstancePhase.FAILED) {
                fail(new Failure(FailureReason.START_FAILED,
                        rec.id() + " could not be started: " + o.reason() + evidence(o), rec.id()));
                return true;
            }
            if (o != null && o.phase() == InstancePhase.CRASH_LOOPING) {
                fail(new Failure(FailureReason.CRASH_LOOP,
                        rec.id() + " keeps exiting: " + o.reason() + evidence(o), rec.id()));
                return true;
            }
            if (!now.isBefore(step.deadline())) {
                String seen = o == null ? "its agent has not reported it" : o.reason();
                fail(new Failure(FailureReason.UNHEALTHY, rec.id() + " did not become "
                        + (listens(rec) ? "healthy" : "running") + " within "
                        + seconds(spec.deadline()) + ": " + seen + (o == null ? "" : evidence(o)), rec.id()));
                return true;
            }
            return false;
        }

        private boolean awaitRouted(Step.AwaitRouted step) {
            InstanceRecord rec = inventory.get(step.instance());
            if (rec == null || !rec.running() || rec.routing() != Routing.ACTIVE) {
                state = state.with(new Step.Choose(), now);
                return true;
            }
            if (obs.routed().get(rec.id()) == TargetState.ACTIVE) {
                events.add(rec.id() + " receives traffic (router acknowledged)");
                state = state.with(new Step.Choose(), now);
                return true;
            }
            if (!now.isBefore(step.deadline())) {
                fail(new Failure(FailureReason.ROUTER_TIMEOUT, "the router did not acknowledge routing to "
                        + rec.id() + " within " + seconds(spec.deadline()), rec.id()));
                return true;
            }
            return false;
        }

        private boolean awaitDrained(Step.AwaitDrained step) {
            InstanceRecord rec = inventory.get(step.instance());
            if (rec == null || !rec.running()) {
                state = state.with(new Step.Choose(), now);
                return true;
            }
            if (obs.routed().get(rec.id()) == TargetState.ACTIVE) {
                return false; // the router still sends it new requests: never signal it yet
            }
            int inFlight = obs.inFlight().getOrDefault(rec.id(), 0);
            if (inFlight > 0 && now.isBefore(step.deadline())) {
                return false;
            }
            stop(rec);
            String took = seconds(Duration.between(step.since(), now));
            events.add(inFlight == 0
                    ? rec.id() + " drained in " + took + "; sent its stop signal"
                    : rec.id() + " still had " + inFlight + " requests in flight after the stop timeout ("
                            + seconds(spec.stopTimeout()) + "); sent its stop signal");
            state = state.with(new Step.Choose(), now);
            return true;
        }

        private boolean choose() {
            ReleaseShape goal = goal();
            Set<String> types = new LinkedHashSet<>(goal.typesInOrder());
            inventory.values().stream().filter(InstanceRecord::running).map(InstanceRecord::type)
                    .sorted((a, b) -> a.equals(ReleaseShape.WEB) ? -1 : b.equals(ReleaseShape.WEB) ? 1 : a.compareTo(b))
                    .forEach(types::add);
            for (String type : types) {
                boolean moved = type.equals(ReleaseShape.WEB) ? chooseListening(type, goal) : chooseBackground(type, goal);
                if (moved) {
                    return true;
                }
            }
            Phase last = switch (state.phase()) {
                case RUNNING -> Phase.SUCCEEDED;
                case ROLLING_BACK -> goal.number() == 0 ? Phase.FAILED : Phase.ROLLED_BACK;
                case SUCCEEDED, ROLLED_BACK, FAILED -> state.phase();
            };
            events.add(switch (last) {
                case SUCCEEDED -> "v" + goal.number() + " is serving";
                case ROLLED_BACK -> "rolled back: v" + goal.number() + " is serving";
                case FAILED -> "stopped every instance of the failed release";
                case RUNNING, ROLLING_BACK -> throw new IllegalStateException("not a final phase: " + last);
            });
            state = state.finished(last, now);
            return false;
        }

        /** One move for {@code web}: resume a pending wait, or launch, or drain. Returns false when it is done. */
        private boolean chooseListening(String type, ReleaseShape goal) {
            List<InstanceRecord> live = live(type);
            for (InstanceRecord r : live) {
                if (r.routing() == Routing.DRAINING) {
                    setRouting(r, Routing.DRAINING); // idempotent; repeats an action a crash may have cut off
                    state = state.with(new Step.AwaitDrained(r.id(), now, now.plus(spec.stopTimeout())), now);
                    return true;
                }
            }
            for (InstanceRecord r : live) {
                if (r.release() == goal.number() && r.routing() == Routing.NONE) {
                    state = state.with(new Step.AwaitReady(r.id(), now, now.plus(spec.deadline())), now);
                    return true;
                }
            }
            List<InstanceRecord> olds = new ArrayList<>();
            for (InstanceRecord r : live) {
                if (r.release() != goal.number()) {
                    if (r.routing() == Routing.NONE && !obs.routed().containsKey(r.id())) {
                        stop(r); // never took traffic: nothing to drain
                        events.add("stopped " + r.id() + " (v" + r.release() + ", never routed)");
                    } else {
                        olds.add(r);
                    }
                }
            }
            List<InstanceRecord> news = live(type).stream()
                    .filter(r -> r.release() == goal.number() && r.routing() == Routing.ACTIVE).toList();
            int want = goal.count(type);
            if (news.size() > want) {
                drain(news.get(news.size() - 1));
            } else if (news.size() + olds.size() > want && !olds.isEmpty()) {
                drain(olds.get(0));
            } else if (news.size() < want) {
                launch(goal, type);
            } else if (!olds.isEmpty()) {
                drain(olds.get(0));
            } else {
                return false;
            }
            return true;
        }

        /** One move for a process type without a port: stop old ones, then start new ones one by one. */
        private boolean chooseBackground(String type, ReleaseShape goal) {
            for (InstanceRecord r : live(type)) {
                if (r.release() != goal.number()) {
                    stop(r);
                    events.add("stopped " + r.id() + " (v" + r.release() + " " + type + ")");
                }
            }
            List<InstanceRecord> news = live(type);
            for (InstanceRecord r : news) {
                Observation o = obs.instances().get(r.id());
                if (o == null || !ready(r, o)) {
                    state = state.with(new Step.AwaitReady(r.id(), now, now.plus(spec.deadline())), now);
                    return true;
                }
            }
            int want = goal.count(type);
            if (news.size() < want) {
                launch(goal, type);
                return true;
            }
            if (news.size() > want) {
                for (InstanceRecord r : news.subList(want, news.size())) {
                    stop(r);
                    events.add("stopped " + r.id() + " (scaled in)");
                }
            }
            return false;
        }

        private void fail(Failure why) {
            InstanceRecord at = why.instance() == null ? null : inventory.get(why.instance());
            if (at != null && at.running() && at.routing() == Routing.NONE && !obs.routed().containsKey(at.id())) {
                stop(at);
            }
            if (state.phase() == Phase.RUNNING) {
                ReleaseShape stable = spec.stable();
                events.add("failed (" + why.reason().word() + "): " + why.message());
                events.add(stable.number() == 0
                        ? "stopping the new instances: there is no earlier release to go back to"
                        : "rolling back to v" + stable.number());
                state = state.failed(Phase.ROLLING_BACK, why, now);
            } else {
                events.add("rollback failed (" + why.reason().word() + "): " + why.message()
                        + "; the environment is left as it is: deploy a release that works");
                state = state.finished(Phase.FAILED, now);
            }
        }

        private void launch(ReleaseShape goal, String type) {
            String id = state.instanceId(type);
            actions.add(new Action.Launch(id, goal.number(), type));
            inventory.put(id, new InstanceRecord(id, goal.number(), type, true, Routing.NONE));
            events.add("launched " + id + " (v" + goal.number() + " " + type + ")");
            state = state.launched(new Step.AwaitReady(id, now, now.plus(spec.deadline())), now);
        }

        private void drain(InstanceRecord r) {
            setRouting(r, Routing.DRAINING);
            events.add("draining " + r.id() + " (v" + r.release() + ")");
            state = state.with(new Step.AwaitDrained(r.id(), now, now.plus(spec.stopTimeout())), now);
        }

        private void stop(InstanceRecord r) {
            actions.add(new Action.Stop(r.id()));
            inventory.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), false, Routing.NONE));
        }

        private void setRouting(InstanceRecord r, Routing routing) {
            actions.add(new Action.SetRouting(r.id(), routing));
            inventory.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), r.running(), routing));
        }

        private List<InstanceRecord> live(String type) {
            return inventory.values().stream().filter(r -> r.running() && r.type().equals(type)).toList();
        }

        private ReleaseShape goal() {
            return state.phase() == Phase.ROLLING_BACK ? spec.stable() : spec.target();
        }

        private static boolean listens(InstanceRecord r) {
            return r.type().equals(ReleaseShape.WEB);
        }

        private static boolean ready(InstanceRecord r, Observation o) {
            return listens(r) ? o.phase() == InstancePhase.HEALTHY
                    : o.phase() == InstancePhase.RUNNING || o.phase() == InstancePhase.HEALTHY;
        }

        private static String evidence(Observation o) {
            if (o.probes().isEmpty()) {
                return "";
            }
            int from = Math.max(0, o.probes().size() - 3);
            return "; last probes: " + String.join(" | ", o.probes().subList(from, o.probes().size()));
        }

        private static String seconds(Duration d) {
            return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
    }
}
