package dev.cutover.engine.rollout;

import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.manifest.Analysis;
import dev.cutover.model.routing.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One call of the planner: a working copy of the inventory, the actions and events produced so far, and the
 * mechanics every strategy shares (waiting for instances, draining, stopping, failing). The moves that differ
 * between strategy families live in {@link InPlaceMoves} and {@link ShiftMoves}. Not thread-safe; lives for one call.
 */
final class Tick {

    private static final int MAX_TRANSITIONS_PER_TICK = 64;

    final RolloutSpec spec;
    final Observations obs;
    final Instant now;
    final Map<String, InstanceRecord> inventory = new LinkedHashMap<>();
    final List<Action> actions = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    RolloutState state;

    Tick(RolloutSpec spec, RolloutState state, List<InstanceRecord> inventory, Observations obs) {
        this.spec = spec;
        this.state = state;
        this.obs = obs;
        this.now = obs.now();
        inventory.forEach(r -> this.inventory.put(r.id(), r));
        // An instance this deployment named at or past its next number was launched by a tick whose state was never
        // saved: name the next one after it, or two instances would share an id.
        int named = inventory.stream().mapToInt(r -> state.numberOf(r.id())).max().orElse(0);
        if (named >= state.nextSeq()) {
            this.state = state.launched(named + 1 - state.nextSeq(), now);
        }
    }

    /** How long a step may take: the deployment's deadline on the way forward, the spec's rollback deadline back. */
    Duration deadline() {
        return state.phase() == Phase.ROLLING_BACK ? spec.rollbackDeadline() : spec.deadline();
    }

    void run() {
        if (state.phase().finished()) {
            return;
        }
        if (obs.abortRequested() && state.phase() == Phase.RUNNING) {
            String at = state.step() instanceof Step.AwaitReady r && !r.instances().isEmpty() ? r.instances().get(0)
                    : state.step() instanceof Step.AwaitRelease r ? r.run() : null;
            fail(new Failure(FailureReason.ABORTED, obs.rollbackRequested() ? "rolled back on request (cutover "
                    + "rollback)" : "aborted on request", at), true);
        }
        if (state.phase() == Phase.RUNNING && state.failure() == null) {
            failedAfterTakingTraffic(); // once: a failure held for a person (auto-rollback off) is not repeated
        }
        if (obs.paused() && state.phase() == Phase.RUNNING && state.failure() == null) {
            // a pause holds the clock, not the judging: all the traffic is on the new release meanwhile
            switch (state.step()) {
                case Step.Watch w -> watchFailed(w.baseline(), b -> new Step.Watch(w.until(), b, w.extended()));
                case Step.KeepOld k -> watchFailed(k.baseline(), b -> new Step.KeepOld(k.until(), k.settling(), b,
                        k.extended(), k.watched()));
                default -> { }
            }
        }
        if (obs.paused() && state.phase() == Phase.RUNNING) {
            if (state.pausedAt() == null) {
                state = state.pausedSince(now);
                events.add("paused on request: cutover resume goes on");
            }
            return;
        }
        if (state.pausedAt() != null) {
            state = state.resumed(now);
            events.add("resumed");
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
            case Step.AwaitRelease r -> awaitRelease(r);
            case Step.AwaitReady r -> awaitReady(r);
            case Step.AwaitRouted r -> awaitRouted(r);
            case Step.AwaitDrained d -> awaitDrained(d);
            case Step.AwaitWeights w -> awaitWeights(w);
            case Step.Bake b -> new ShiftMoves(this).bake(b);
            case Step.KeepOld k -> new ShiftMoves(this).keepOld(k);
            case Step.Watch w -> watch(w);
            case Step.Done d -> false;
        };
    }

    /** Traffic shifting needs a stable set to shift from, and one still warm to shift back to. */
    boolean shifting() {
        if (spec.policy().inPlace() || spec.stable().number() == 0) {
            return false;
        }
        return state.phase() != Phase.ROLLING_BACK || new ShiftMoves(this).stableWarm();
    }

    private boolean choose() {
        if (state.phase() == Phase.RUNNING && spec.release() != null && !state.releaseDone()) {
            return startRelease();
        }
        ReleaseShape goal = goal();
        List<String> types = new ArrayList<>(goal.typesInOrder());
        inventory.values().stream().filter(InstanceRecord::running).map(InstanceRecord::type).distinct()
                .sorted((a, b) -> a.equals(ReleaseShape.WEB) ? -1 : b.equals(ReleaseShape.WEB) ? 1 : a.compareTo(b))
                .filter(t -> !types.contains(t)).forEach(types::add);
        for (String type : types) {
            boolean moved;
            if (type.equals(ReleaseShape.WEB)) {
                if (!shifting() && !obs.desiredWeights().isEmpty()) {
                    // in place, traffic follows the instances: a split left by a shifting deployment goes first
                    setWeights(Map.of());
                    state = state.with(new Step.AwaitWeights(Map.of(), now, now.plus(deadline())), now);
                    return true;
                }
                moved = shifting() ? new ShiftMoves(this).web() : new InPlaceMoves(this).web(goal);
            } else {
                if (!goal.overlaps(type) && stopOldFirst(type, goal)) {
                    return false; // the old instances of the type are still exiting
                }
                moved = background(type, goal);
            }
            if (moved) {
                return true;
            }
        }
        return watchInPlace(goal) || settle(goal);
    }

    /**
     * In place, once every instance runs the new release: watch the new ones with all the traffic for the policy's
     * {@code watch} before the deployment is done (its other process types too: a worker that exits then fails it
     * as well). Traffic shifting watches at its switch instead, with the old set still warm; a rollback, a scale and a
     * deployment that started no instance are not watched.
     */
    private boolean watchInPlace(ReleaseShape goal) {
        Duration watch = spec.policy().watch();
        if (state.phase() != Phase.RUNNING || state.switchedAt() != null || watch.isZero() || shifting()
                || spec.scales()) {
            return false;
        }
        List<InstanceRecord> started = inventory.values().stream().filter(r -> r.running()
                && r.release() == goal.number() && state.numberOf(r.id()) > 0).toList();
        if (started.isEmpty()) {
            return false;
        }
        boolean web = started.stream().anyMatch(r -> r.type().equals(ReleaseShape.WEB));
        events.add("v" + goal.number() + (web ? " serves all traffic" : " runs all its instances") + "; watching it for "
                + seconds(watch) + " before it is done");
        actions.add(new Action.MarkServing(goal.number())); // as at a switch: status names what takes the traffic
        state = state.switched(now).with(new Step.Watch(now.plus(watch), obs.groups(), false), now);
        return true;
    }

    private boolean watch(Step.Watch step) {
        if (obs.promotions() > state.promotionsSeen()) {
            events.add("promoted: ending the watch now");
            state = state.promotionUsed(now).with(new Step.Choose(), now);
            return true;
        }
        if (watchFailed(step.baseline(), b -> new Step.Watch(step.until(), b, step.extended()))) {
            return true;
        }
        // with its baseline as watchFailed left it (rebased, after a router restart)
        Step.Watch w = state.step() instanceof Step.Watch rebased ? rebased : step;
        if (!now.isBefore(w.until()) && probesUndecided(w.until(), w.extended())) {
            if (!w.extended()) {
                state = state.with(new Step.Watch(w.until(), w.baseline(), true), now);
            }
            return false;
        }
        if (!now.isBefore(w.until())) {
            sayIfUnjudged(w.baseline());
            state = state.with(new Step.Choose(), now);
            return true;
        }
        return false;
    }

    /**
     * At the end of a watch that could give no verdict: says so, as a bake that goes on without one does, so that
     * nobody takes the silence for a pass.
     */
    void sayIfUnjudged(Map<Integer, GroupObservation> baseline) {
        String why = unjudged(baseline);
        if (why != null) {
            events.add("not judged: " + why + "; going on");
        }
    }

    /**
     * Why the new release's traffic since {@code baseline} cannot be judged (too little of it, or nothing to compare
     * it with); null when it can, or when it is not to be (a first deployment, one already failed).
     */
    String unjudged(Map<Integer, GroupObservation> baseline) {
        if (spec.stable().number() == 0 || state.phase() != Phase.RUNNING || state.failure() != null) {
            return null;
        }
        Analysis a = analysis();
        long requests = obs.groups().getOrDefault(spec.target().number(), GroupObservation.NONE)
                .since(baseline.get(spec.target().number())).requests();
        if (requests < a.minRequests()) {
            return "v" + spec.target().number() + " answered " + requests + " requests while watched, need "
                    + a.minRequests();
        }
        if (a.compareToStable() && stableReference(baseline) == null) {
            return "v" + spec.stable().number() + " has no counted requests to compare v" + spec.target().number()
                    + "'s with";
        }
        return null;
    }

    /**
     * Before the final phase: the traffic split back to "by instance count", no preview. Both the split asked for
     * and the one acknowledged count: a split asked for just before a failure may not be acknowledged yet, and an
     * older one may still be on its way to the router (after a tick that asked for "by instance count" was carried
     * out and never saved).
     */
    private boolean settle(ReleaseShape goal) {
        if (!obs.splitIs(Map.of())) {
            if (!obs.desiredWeights().isEmpty()) {
                setWeights(Map.of());
            }
            if (!spec.policy().inPlace()) {
                actions.add(new Action.SetPreview(0));
            }
            state = state.with(new Step.AwaitWeights(Map.of(), now, now.plus(deadline())), now);
            return true;
        }
        Phase last = switch (state.phase()) {
            case RUNNING -> Phase.SUCCEEDED;
            case ROLLING_BACK -> goal.number() == 0 ? Phase.FAILED : Phase.ROLLED_BACK;
            case SUCCEEDED, ROLLED_BACK, FAILED -> state.phase();
        };
        String serves = spec.scales() ? " runs " + counts(goal) : " is serving";
        events.add(switch (last) {
            case SUCCEEDED -> "v" + goal.number() + serves;
            case ROLLED_BACK -> "rolled back: v" + goal.number() + serves;
            case FAILED -> "stopped every instance of the failed release";
            case RUNNING, ROLLING_BACK -> throw new IllegalStateException("not a final phase: " + last);
        });
        state = state.finished(last, now);
        return false;
    }

    /**
     * The first step of a deployment with a release command, whatever its strategy: nothing is launched and no
     * weight changes before the command has exited 0. The run's id is derived from the deployment, so a controller
     * that asked and crashed before saving asks again for the same run, which its agent starts only once.
     */
    private boolean startRelease() {
        String run = state.releaseRunId();
        actions.add(new Action.StartRun(run, spec.target().number(), spec.release()));
        events.add("running release command: " + spec.release());
        state = state.with(new Step.AwaitRelease(run, now, now.plus(deadline())), now);
        return true;
    }

    private boolean awaitRelease(Step.AwaitRelease step) {
        RunObservation seen = obs.runs().get(step.run());
        switch (seen) {
            case null -> { } // its agent has not reported it yet
            case RunObservation.Running r -> { }
            case RunObservation.Exited e when e.code() == 0 -> {
                actions.add(new Action.StopRun(step.run())); // over: its agent may forget it
                events.add("release command exited 0 after " + ran(e, step));
                state = state.released(now).with(new Step.Choose(), now);
                return true;
            }
            case RunObservation.Exited e -> {
                failRelease("release command exited " + e.code() + " after " + ran(e, step), step);
                return true;
            }
            case RunObservation.StartFailed f -> {
                failRelease("release command could not be started: " + f.reason(), step);
                return true;
            }
            case RunObservation.Lost l -> {
                failRelease("release command was lost: " + l.reason(), step);
                return true;
            }
        }
        if (!now.isBefore(step.deadline())) {
            failRelease("release command did not finish within " + seconds(deadline()), step);
            return true;
        }
        return false;
    }

    private void failRelease(String message, Step.AwaitRelease step) {
        fail(new Failure(FailureReason.RELEASE_COMMAND, message, step.run()), false);
    }

    private String ran(RunObservation.Exited e, Step.AwaitRelease step) {
        return seconds(e.ran() != null ? e.ran() : Duration.between(step.since(), now));
    }

    private boolean awaitReady(Step.AwaitReady step) {
        List<InstanceRecord> waiting = new ArrayList<>();
        for (String id : step.instances()) {
            InstanceRecord rec = inventory.get(id);
            if (rec != null && rec.running()) {
                waiting.add(rec);
            }
        }
        if (waiting.isEmpty()) {
            state = state.with(new Step.Choose(), now);
            return true;
        }
        boolean allReady = true;
        for (InstanceRecord rec : waiting) {
            Observation o = obs.instances().get(rec.id());
            if (o != null && o.phase() == InstancePhase.FAILED) {
                fail(new Failure(FailureReason.START_FAILED,
                        rec.id() + " could not be started: " + o.reason() + evidence(o), rec.id()), false);
                return true;
            }
            if (o != null && o.phase() == InstancePhase.CRASH_LOOPING) {
                fail(new Failure(FailureReason.CRASH_LOOP, rec.id() + " keeps exiting: " + o.reason() + evidence(o),
                        rec.id()), false);
                return true;
            }
            allReady &= o != null && ready(rec, o);
        }
        if (allReady) {
            Instant healthySince = step.healthySince() == null ? now : step.healthySince();
            Duration minHealthy = spec.policy().minHealthyTime();
            if (Duration.between(healthySince, now).compareTo(minHealthy) >= 0) {
                String took = seconds(Duration.between(step.since(), now));
                List<String> routed = new ArrayList<>();
                for (InstanceRecord rec : waiting) {
                    if (listens(rec)) {
                        setRouting(rec, Routing.ACTIVE);
                        routed.add(rec.id());
                    }
                }
                String ids = String.join(", ", waiting.stream().map(InstanceRecord::id).toList());
                if (routed.isEmpty()) {
                    events.add(ids + " running after " + took);
                    state = state.with(new Step.Choose(), now);
                } else {
                    events.add(ids + (waiting.size() == 1 ? " healthy" : " healthy") + " after " + took
                            + (minHealthy.isZero() ? "" : " (and stayed so for " + seconds(minHealthy) + ")")
                            + "; adding " + (routed.size() == 1 ? "it" : "them") + " to the router");
                    state = state.with(new Step.AwaitRouted(routed, now, now.plus(deadline())), now);
                }
                return true;
            }
            if (step.healthySince() == null) {
                state = state.with(new Step.AwaitReady(step.instances(), step.since(), step.deadline(), now), now);
            }
        } else if (step.healthySince() != null) {
            state = state.with(new Step.AwaitReady(step.instances(), step.since(), step.deadline(), null), now);
        }
        if (!now.isBefore(step.deadline())) {
            if (allReady) {
                // healthy, but not yet for as long as min-healthy-time asks
                Instant since = step.healthySince() == null ? now : step.healthySince();
                fail(new Failure(FailureReason.UNHEALTHY, String.join(", ", waiting.stream().map(InstanceRecord::id)
                        .toList()) + " healthy for " + seconds(Duration.between(since, now)) + " of the "
                        + seconds(spec.policy().minHealthyTime()) + " deploy.min-healthy-time asks when deploy.deadline ("
                        + seconds(deadline()) + " from launch) ran out: make min-healthy-time shorter than the "
                        + "deadline, less the time the app takes to become healthy", waiting.get(0).id()), false);
                return true;
            }
            InstanceRecord late = waiting.stream().filter(r -> {
                Observation o = obs.instances().get(r.id());
                return o == null || !ready(r, o);
            }).findFirst().orElse(waiting.get(0));
            Observation o = obs.instances().get(late.id());
            String seen = o == null ? "its agent has not reported it" : o.reason();
            fail(new Failure(FailureReason.UNHEALTHY, late.id() + " did not become "
                    + (listens(late) ? "healthy" : "running") + " within " + seconds(deadline()) + ": " + seen
                    + (o == null ? "" : evidence(o)), late.id()), false);
            return true;
        }
        return false;
    }

    /**
     * An instance this deployment started, that passed its health checks and took traffic, and whose process has
     * exited since (restarting, or waiting to) or whose health checks have failed since (as many in a row as
     * {@code health.unhealthy-threshold} says), fails the deployment whatever step it is at: a release that crashes
     * or hangs under traffic would otherwise be declared serving, and its old set stopped, as long as each instance
     * passed its first probes.
     */
    private void failedAfterTakingTraffic() {
        for (InstanceRecord rec : inventory.values()) {
            boolean web = rec.type().equals(ReleaseShape.WEB);
            if (!rec.running() || state.numberOf(rec.id()) == 0) {
                continue;
            }
            // web: once routed; another type (no traffic): once it was running, that is, no longer awaited ready
            boolean awaited = state.step() instanceof Step.AwaitReady r && r.instances().contains(rec.id());
            if (web ? rec.routing() != Routing.ACTIVE : awaited) {
                continue;
            }
            Observation o = obs.instances().get(rec.id());
            if (o == null) {
                continue;
            }
            String seen = switch (o.phase()) {
                case BACKOFF, CRASH_LOOPING, FAILED -> o.reason();
                // STARTING with no restart is an instance the agent adopted after its own restart, not one that exited
                case STARTING -> o.restarts() > 0 ? "started again (" + o.restarts()
                        + (o.restarts() == 1 ? " restart" : " restarts") + " so far), " + o.reason() : null;
                case UNHEALTHY -> o.reason();
                default -> null;
            };
            if (seen != null) {
                boolean exited = o.phase() != InstancePhase.UNHEALTHY;
                fail(new Failure(exited ? FailureReason.EXITED : FailureReason.UNHEALTHY, rec.id()
                        + (exited ? " exited" : " turned unhealthy") + (web ? " after it had passed its health checks "
                        + "and taken traffic: " : " after it had started running: ") + seen + evidence(o), rec.id()),
                        false);
                return;
            }
        }
    }

    /**
     * At the end of a watch: whether an instance of the new release this deployment started and routed has just
     * failed a probe. A hang shows as probes timing out one after another, and a run of them takes longer than a
     * short watch (three of interval plus timeout); one failed probe is not a verdict yet, so the watch goes on until
     * the probes decide: a pass ends it, the agent's unhealthy verdict fails the deployment. At most a deadline past
     * {@code until}. Says so once, when not {@code extended} yet.
     */
    boolean probesUndecided(Instant until, boolean extended) {
        if (!now.isBefore(until.plus(deadline()))) {
            return false;
        }
        List<String> failing = inventory.values().stream().filter(r -> r.running()
                && r.release() == spec.target().number() && r.routing() == Routing.ACTIVE && state.numberOf(r.id()) > 0)
                .filter(r -> obs.instances().get(r.id()) instanceof Observation o && o.lastProbeFailed())
                .map(InstanceRecord::id).toList();
        if (!failing.isEmpty() && !extended) {
            events.add(String.join(", ", failing) + (failing.size() == 1 ? ": its" : ": their")
                    + " latest probe failed; watching on until the probes decide");
        }
        return !failing.isEmpty();
    }

    /**
     * During a watch or keep-old: judges the new release's traffic since {@code baseline} as a bake would (the
     * policy's {@code analysis}, else the default guard), against the stable release's counts over its life, since it
     * no longer takes traffic. Fails the deployment on a failing verdict; too little traffic is no verdict, and the
     * watch goes on. A first deployment is not judged: it has nothing to compare with or to go back to. When the
     * router counts from zero again (it restarts with the server), the new release's count starts again from the
     * router's, and {@code restarting} makes the step that carries that baseline; the stable release's counts in the
     * baseline stay, as what it is compared with (it takes no traffic to count again). With none (a baseline saved
     * without them), an analysis that compares with the stable release gives no verdict rather than a guess.
     */
    boolean watchFailed(Map<Integer, GroupObservation> baseline,
            Function<Map<Integer, GroupObservation>, Step> restarting) {
        ReleaseShape target = spec.target();
        ReleaseShape stable = spec.stable();
        if (stable.number() == 0 || state.phase() != Phase.RUNNING || state.failure() != null) {
            return false;
        }
        Map<Integer, GroupObservation> since = baseline;
        GroupObservation targetBase = baseline.get(target.number());
        if (targetBase != null && countsRestarted(Map.of(target.number(), targetBase), obs.groups())) {
            since = new HashMap<>(baseline);
            since.remove(target.number());
            state = state.with(restarting.apply(since), now);
        }
        Analysis a = analysis();
        GroupObservation candidate = obs.groups().getOrDefault(target.number(), GroupObservation.NONE)
                .since(since.get(target.number()));
        GroupObservation before = stableReference(since);
        if (a.compareToStable() && before == null) {
            return false; // unjudged() says so at the end of the watch
        }
        if (Analyzer.judge(a, candidate, before) instanceof Analyzer.Verdict.Fail f) {
            fail(new Failure(FailureReason.ANALYSIS, "analysis of v" + target.number() + " failed while it was "
                    + "watched with all the traffic: " + f.summary(), null), false);
            return true;
        }
        return false;
    }

    /**
     * What the new release is compared with during a watch: the stable release's counts over the router's life, or
     * those it had when the watch began if they are more (the router counted from zero again since); null when it
     * served no request either way.
     */
    private GroupObservation stableReference(Map<Integer, GroupObservation> baseline) {
        GroupObservation counted = obs.groups().get(spec.stable().number());
        GroupObservation before = baseline.get(spec.stable().number());
        GroupObservation more = counted == null ? before
                : before == null || counted.requests() >= before.requests() ? counted : before;
        return more == null || more.requests() == 0 ? null : more;
    }

    /** What judges traffic when no step names its own: the policy's {@code analysis}, else the default guard. */
    Analysis analysis() {
        return spec.policy().analysis() != null ? spec.policy().analysis() : Analysis.guard();
    }

    /** Whether the router's counts went down since {@code baseline}: it restarted and counts from zero again. */
    static boolean countsRestarted(Map<Integer, GroupObservation> baseline, Map<Integer, GroupObservation> now) {
        return baseline.entrySet().stream().anyMatch(e -> {
            GroupObservation seen = now.getOrDefault(e.getKey(), GroupObservation.NONE);
            return seen.requests() < e.getValue().requests() || seen.errors() < e.getValue().errors();
        });
    }

    private boolean awaitRouted(Step.AwaitRouted step) {
        boolean all = true;
        for (String id : step.instances()) {
            InstanceRecord rec = inventory.get(id);
            if (rec == null || !rec.running() || rec.routing() != Routing.ACTIVE) {
                continue;
            }
            all &= obs.routed().get(id) == TargetState.ACTIVE;
        }
        if (all) {
            String ids = String.join(", ", step.instances());
            // a release held at 0% (a canary's candidate before its first split, blue-green before the switch) is in
            // the router, and gets none of the main host's traffic yet
            boolean held = step.instances().stream().map(inventory::get).filter(r -> r != null)
                    .allMatch(r -> desiredWeights().getOrDefault(r.release(), -1) == 0);
            events.add(ids + (held ? (step.instances().size() == 1 ? " is" : " are") + " in the router, at 0% of "
                    + "traffic for now" : (step.instances().size() == 1 ? " receives" : " receive") + " traffic")
                    + " (router acknowledged)");
            state = state.with(new Step.Choose(), now);
            return true;
        }
        if (!now.isBefore(step.deadline())) {
            fail(new Failure(FailureReason.ROUTER_TIMEOUT, "the router did not acknowledge routing to "
                    + String.join(", ", step.instances()) + " within " + seconds(deadline()), null), false);
            return true;
        }
        return false;
    }

    private boolean awaitDrained(Step.AwaitDrained step) {
        List<InstanceRecord> draining = new ArrayList<>();
        for (String id : step.instances()) {
            InstanceRecord rec = inventory.get(id);
            if (rec != null && rec.running()) {
                draining.add(rec);
            }
        }
        for (InstanceRecord rec : draining) {
            if (obs.routed().get(rec.id()) == TargetState.ACTIVE) {
                return false; // the router still sends it new requests: never signal it yet
            }
        }
        int inFlight = draining.stream().mapToInt(r -> obs.inFlight().getOrDefault(r.id(), 0)).sum();
        if (inFlight > 0 && now.isBefore(step.deadline())) {
            return false;
        }
        draining.forEach(this::stop);
        if (!draining.isEmpty()) {
            String ids = String.join(", ", draining.stream().map(InstanceRecord::id).toList());
            String took = seconds(Duration.between(step.since(), now));
            events.add(inFlight == 0
                    ? ids + " drained in " + took + "; sent " + (draining.size() == 1 ? "its" : "their") + " stop signal"
                    : ids + " still had " + inFlight + " requests in flight after the stop timeout ("
                            + seconds(spec.stopTimeout()) + "); sent the stop signal");
        }
        state = state.with(new Step.Choose(), now);
        return true;
    }

    private boolean awaitWeights(Step.AwaitWeights step) {
        // another split asked for since: a tick that asked for it was carried out, and its state never saved
        if (obs.splitIs(step.weights()) || !desiredWeights().equals(step.weights())) {
            state = state.with(new Step.Choose(), now);
            return true;
        }
        if (!now.isBefore(step.deadline())) {
            fail(new Failure(FailureReason.ROUTER_TIMEOUT, "the router did not acknowledge the traffic split "
                    + step.weights() + " within " + seconds(deadline()), null), false);
            return true;
        }
        return false;
    }

    /**
     * Without overlap, the old instances of a type must be gone before a new one starts (a singleton never runs
     * twice): sends the old ones their stop signals, and returns whether any instance of the type no longer wanted
     * is still alive: an old release's, or one of this release scaled in (by this deployment, or by the scale before
     * it, whose stop may still be under way). So a scale-in of such a type ends once its instances have exited.
     */
    private boolean stopOldFirst(String type, ReleaseShape goal) {
        boolean signalled = !stopOld(type, goal).isEmpty();
        List<String> exiting = inventory.values().stream().filter(r -> !r.running() && r.type().equals(type))
                .map(InstanceRecord::id).filter(id -> {
                    Observation o = obs.instances().get(id);
                    return o != null && o.phase().alive();
                }).sorted().toList();
        if (signalled && !exiting.isEmpty()) {
            events.add("v" + goal.number() + "'s " + type + " starts once " + String.join(", ", exiting) + " "
                    + (exiting.size() == 1 ? "has" : "have") + " exited (overlap: never)");
        }
        return !exiting.isEmpty();
    }

    /**
     * One move for a process type without a port: start the new instances (without overlap, once the old ones are
     * gone: {@link #stopOldFirst}); with overlap, stop the old ones once the new ones run.
     */
    private boolean background(String type, ReleaseShape goal) {
        boolean overlap = goal.overlaps(type);
        List<InstanceRecord> news = live(type).stream().filter(r -> r.release() == goal.number()).toList();
        List<String> notReady = new ArrayList<>();
        for (InstanceRecord r : news) {
            Observation o = obs.instances().get(r.id());
            if (o == null || !ready(r, o)) {
                notReady.add(r.id());
            }
        }
        if (!notReady.isEmpty()) {
            state = state.with(new Step.AwaitReady(notReady, now, now.plus(deadline()), null), now);
            return true;
        }
        int want = goal.count(type);
        if (news.size() < want) {
            launch(goal, type, want - news.size());
            return true;
        }
        if (news.size() > want) {
            for (InstanceRecord r : news.subList(want, news.size())) {
                stop(r);
                events.add("stopped " + r.id() + " (scaled in)");
            }
            if (!overlap) {
                return true; // the next move waits for them to exit (stopOldFirst)
            }
        }
        if (overlap) {
            stopOld(type, goal);
        }
        return false;
    }

    /** Sends the instances of {@code type} not of the goal release their stop signals; returns their ids. */
    private List<String> stopOld(String type, ReleaseShape goal) {
        List<String> stopped = new ArrayList<>();
        for (InstanceRecord r : live(type)) {
            if (r.release() != goal.number()) {
                stop(r);
                events.add("stopped " + r.id() + " (v" + r.release() + " " + type + ")");
                stopped.add(r.id());
            }
        }
        return stopped;
    }

    /**
     * A step failed. Running forward, the deployment turns around (or, with auto-rollback off, waits for a human);
     * rolling back already, it gives up and leaves the environment as it is.
     */
    void fail(Failure why, boolean requested) {
        InstanceRecord at = why.instance() == null ? null : inventory.get(why.instance());
        boolean stopAt = at != null && at.running() && at.routing() == Routing.NONE
                && !obs.routed().containsKey(at.id());
        if (stopAt) {
            stop(at);
        }
        if (state.phase() == Phase.RUNNING && spec.scales()) {
            // a scale: the instances it started and never routed are of the release it goes back to, and would be
            // waited for again; none of them took traffic, so they stop now
            for (InstanceRecord r : List.copyOf(inventory.values())) {
                if (r.running() && r.routing() == Routing.NONE && !obs.routed().containsKey(r.id())) {
                    stop(r);
                }
            }
        }
        if (state.phase() == Phase.RUNNING) {
            ReleaseShape stable = spec.stable();
            if (requested || spec.policy().autoRollback()) {
                why = why.stopping(); // going back stops the instance: it does not restart
            }
            events.add((requested ? "" : "failed (" + why.reason().word() + "): ") + why.message());
            if (stopAt) {
                events.add("stopped " + at.id() + " (v" + at.release() + ", never routed)");
            }
            boolean inRelease = state.step() instanceof Step.AwaitRelease;
            if (state.step() instanceof Step.AwaitRelease r) {
                // whatever ended the step, the run is not wanted any more; one still running is stopped
                actions.add(new Action.StopRun(r.run()));
                RunObservation seen = obs.runs().get(r.run());
                if (seen == null || seen instanceof RunObservation.Running) {
                    events.add("stopping the release command (TERM, then KILL after " + seconds(spec.stopTimeout())
                            + ")");
                }
            }
            if (!requested && !spec.policy().autoRollback()) {
                events.add("auto-rollback is off: waiting; cutover abort rolls back, cutover promote goes on");
                state = state.held(why, new Step.Bake(now, null, now.plus(Duration.ofDays(365)), null, Map.of(),
                        false), now);
                if (inRelease) {
                    // going on from here launches the new release; the command is never run a second time
                    state = state.released(now);
                }
                return;
            }
            events.add(inRelease ? "nothing of v" + spec.target().number() + " was started and no traffic moved: "
                    + "nothing to undo"
                    : stable.number() == 0 ? "stopping the new instances: there is no earlier release to go back to"
                    : "rolling back to v" + stable.number());
            if (state.switchedAt() != null && spec.policy().inPlace() && stable.number() != 0) {
                actions.add(new Action.MarkServing(stable.number())); // in place, it served from the watch on
            }
            state = state.failed(Phase.ROLLING_BACK, why, now);
        } else {
            events.add("rollback failed (" + why.reason().word() + "): " + why.message()
                    + "; the environment is left as it is" + leftServing() + ": deploy a release that works");
            state = state.finished(Phase.FAILED, now);
        }
    }

    /** {@code , v3 serving with 1 of 2 web instances}: what a failed rollback leaves taking traffic. */
    private String leftServing() {
        ReleaseShape stable = spec.stable();
        int want = stable.count(ReleaseShape.WEB);
        if (stable.number() == 0 || want == 0) {
            return "";
        }
        long serving = inventory.values().stream().filter(r -> r.running() && r.release() == stable.number()
                && r.type().equals(ReleaseShape.WEB) && r.routing() == Routing.ACTIVE).count();
        return ", v" + stable.number() + " serving with " + serving + " of " + want + " web instance"
                + (want == 1 ? "" : "s");
    }

    List<String> launch(ReleaseShape goal, String type, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = state.instanceId(type, i);
            actions.add(new Action.Launch(id, goal.number(), type));
            inventory.put(id, new InstanceRecord(id, goal.number(), type, true, Routing.NONE));
            ids.add(id);
        }
        events.add("launched " + String.join(", ", ids) + " (v" + goal.number() + " " + type + ")");
        state = state.launched(count, now).with(new Step.AwaitReady(ids, now, now.plus(deadline()), null), now);
        return ids;
    }

    void drain(List<InstanceRecord> records) {
        for (InstanceRecord r : records) {
            setRouting(r, Routing.DRAINING);
        }
        events.add("draining " + String.join(", ", records.stream().map(r -> r.id() + " (v" + r.release() + ")")
                .toList()));
        state = state.with(new Step.AwaitDrained(records.stream().map(InstanceRecord::id).toList(), now,
                now.plus(spec.stopTimeout())), now);
    }

    void stop(InstanceRecord r) {
        actions.add(new Action.Stop(r.id()));
        inventory.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), false, Routing.NONE));
    }

    void setRouting(InstanceRecord r, Routing routing) {
        actions.add(new Action.SetRouting(r.id(), routing));
        inventory.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), r.running(), routing));
    }

    void setWeights(Map<Integer, Integer> weights) {
        actions.add(new Action.SetWeights(weights));
    }

    /** The split asked for: by this tick, else as the controller last asked for it. */
    Map<Integer, Integer> desiredWeights() {
        for (Action a : actions.reversed()) {
            if (a instanceof Action.SetWeights w) {
                return w.percentByRelease();
            }
        }
        return obs.desiredWeights();
    }

    List<InstanceRecord> live(String type) {
        return inventory.values().stream().filter(r -> r.running() && r.type().equals(type)).toList();
    }

    /** Instances of another release that never took traffic are stopped at once: nothing to drain. */
    List<InstanceRecord> stopUnrouted(List<InstanceRecord> records) {
        List<InstanceRecord> left = new ArrayList<>();
        for (InstanceRecord r : records) {
            if (r.routing() == Routing.NONE && !obs.routed().containsKey(r.id())) {
                stop(r);
                events.add("stopped " + r.id() + " (v" + r.release() + ", never routed)");
            } else {
                left.add(r);
            }
        }
        return left;
    }

    ReleaseShape goal() {
        return state.phase() == Phase.ROLLING_BACK ? spec.stable() : spec.target();
    }

    /** {@code web 5, worker 1}: a release's instance counts, in roll-out order. */
    private static String counts(ReleaseShape shape) {
        return String.join(", ", shape.typesInOrder().stream().map(t -> t + " " + shape.count(t)).toList());
    }

    static boolean listens(InstanceRecord r) {
        return r.type().equals(ReleaseShape.WEB);
    }

    static boolean ready(InstanceRecord r, Observation o) {
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

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
