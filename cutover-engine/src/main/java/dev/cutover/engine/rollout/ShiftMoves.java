package dev.cutover.engine.rollout;

import dev.cutover.model.manifest.Analysis;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.TrafficStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The moves of the traffic-shifting strategies for {@code web}:
 *
 * <pre>
 *  pin 100% on stable ─▶ launch the candidate set (immutable: one first) ─▶ healthy ─▶ routed at weight 0
 *    ─▶ program: set-weight / pause / analysis ... ─▶ 100% on candidate (serving) ─▶ keep old warm (blue-green)
 *    ─▶ drain and stop the old set ─▶ split by instance count again
 * </pre>
 *
 * Rolling back while the stable set is warm switches all traffic back to it at once (no process starts), then
 * drains and stops the candidate. The program: canary and linear expand their preset; blue-green is
 * [pause until promote, if approval is asked] then 100%; immutable is 100%; steps is the user's list, with 100% added
 * when it does not end there.
 */
final class ShiftMoves {

    private final Tick t;

    ShiftMoves(Tick t) {
        this.t = t;
    }

    boolean web() {
        return t.state.phase() == Phase.ROLLING_BACK ? rollback() : forward();
    }

    private boolean forward() {
        ReleaseShape target = t.spec.target();
        ReleaseShape stable = t.spec.stable();
        String type = ReleaseShape.WEB;
        Map<Integer, Integer> pinned = Map.of(stable.number(), 100, target.number(), 0);
        List<InstanceRecord> candidates = t.live(type).stream().filter(r -> r.release() == target.number()).toList();
        if (t.desiredWeights().isEmpty() && t.state.switchedAt() == null) {
            if (candidates.stream().anyMatch(r -> r.routing() == Routing.ACTIVE)) {
                // switched, drained the old set and settled in a tick whose state was never saved: nothing is left
                return false;
            }
            t.setWeights(pinned);
            if (t.spec.policy().preview()) {
                t.actions.add(new Action.SetPreview(target.number()));
            }
            t.events.add("all traffic pinned to v" + stable.number() + " while v" + target.number() + " starts"
                    + (t.spec.policy().preview() ? "; v" + target.number() + " will be reachable at the preview host"
                            : ""));
            t.state = t.state.with(new Step.AwaitWeights(pinned, t.now, t.now.plus(t.deadline())), t.now);
            return true;
        }
        List<String> pending = candidates.stream().filter(r -> r.routing() == Routing.NONE).map(InstanceRecord::id)
                .toList();
        if (!pending.isEmpty()) {
            t.state = t.state.with(new Step.AwaitReady(pending, t.now, t.now.plus(t.deadline()), null), t.now);
            return true;
        }
        int want = target.count(type);
        if (candidates.size() < want) {
            boolean oneFirst = t.spec.policy().strategy().equals(DeployPolicy.IMMUTABLE) && candidates.isEmpty();
            t.launch(target, type, oneFirst ? 1 : want - candidates.size());
            return true;
        }
        List<TrafficStep> program = program(t.spec.policy());
        if (t.state.program() < program.size()) {
            return programStep(program.get(t.state.program()), target, stable);
        }
        if (t.state.switchedAt() == null) {
            t.actions.add(new Action.MarkServing(target.number()));
            t.state = t.state.switched(t.now);
            Duration watch = t.spec.policy().watch();
            // keep-old is a watch too, with a rollback a person may ask for: never shorter than the watch
            Duration keepOld = t.spec.policy().keepOld().isZero() ? Duration.ZERO
                    : Collections.max(List.of(t.spec.policy().keepOld(), watch));
            if (!keepOld.isZero()) {
                t.events.add("v" + target.number() + " serves all traffic; " + (watch.isZero() ? ""
                        : "watching it for " + Tick.seconds(watch) + " and ") + "keeping v" + stable.number()
                        + " warm for " + Tick.seconds(keepOld) + ": cutover rollback switches back at once, cutover "
                        + "promote ends this early");
                t.state = t.state.with(new Step.KeepOld(t.now.plus(keepOld), false, t.obs.groups(), false,
                        watch.isZero() ? null : t.now.plus(watch)), t.now);
                return true;
            }
            if (!watch.isZero()) {
                // an instance that exits or turns unhealthy meanwhile fails the deployment: traffic goes back at once
                t.events.add("v" + target.number() + " serves all traffic; watching it for " + Tick.seconds(watch)
                        + " with v" + stable.number() + " still warm before draining it");
                t.state = t.state.with(new Step.KeepOld(t.now.plus(watch), true, t.obs.groups(), false, null), t.now);
                return true;
            }
        }
        List<InstanceRecord> olds = t.stopUnrouted(t.live(type).stream()
                .filter(r -> r.release() != target.number()).toList());
        if (!olds.isEmpty()) {
            t.drain(olds);
            return true;
        }
        return false;
    }

    private boolean programStep(TrafficStep step, ReleaseShape target, ReleaseShape stable) {
        switch (step) {
            case TrafficStep.SetWeight w -> {
                Map<Integer, Integer> split = Map.of(target.number(), w.percent(), stable.number(), 100 - w.percent());
                if (t.obs.splitIs(split)) {
                    t.events.add(w.percent() + "% of traffic on v" + target.number() + " (router acknowledged)");
                    t.state = t.state.nextProgramStep(t.now);
                } else {
                    t.setWeights(split);
                    t.state = t.state.with(new Step.AwaitWeights(split, t.now, t.now.plus(t.deadline())), t.now);
                }
            }
            case TrafficStep.Pause p -> {
                Analysis chosen = t.spec.policy().analysis();
                Analysis analysis = t.analysis();
                String judged = (chosen != null ? "; analysing: " : "; analysing (the default; deploy.analysis "
                        + "chooses): ") + analysis.describe();
                Duration d = p.duration();
                t.events.add((d == null ? "paused until cutover promote" : "baking for " + Tick.seconds(d)) + judged);
                t.state = t.state.with(new Step.Bake(t.now, d == null ? null : t.now.plus(d),
                        d == null ? t.now.plus(Duration.ofDays(365)) : t.now.plus(d).plus(t.deadline()),
                        analysis, t.obs.groups(), false), t.now);
            }
            case TrafficStep.Analyze a -> {
                t.events.add("analysing: " + a.analysis().describe());
                t.state = t.state.with(new Step.Bake(t.now, null, t.now.plus(t.deadline()), a.analysis(),
                        t.obs.groups(), true), t.now);
            }
        }
        return true;
    }

    /** A bake: wait, judge the candidate's traffic if asked, and move on, fail, or wait for a human. */
    boolean bake(Step.Bake b) {
        if (t.obs.promotions() > t.state.promotionsSeen()) {
            t.events.add("promoted");
            Failure held = t.state.failure();
            if (held != null && held.reason() == FailureReason.RELEASE_COMMAND) {
                // going on past a failed release command: the deployment starts as if it had succeeded, from the
                // first step of its program, and the failure is no longer what it waits on
                t.state = t.state.promotionUsed(t.now).withFailure(null).with(new Step.Choose(), t.now);
            } else {
                t.state = t.state.promotionUsed(t.now).nextProgramStep(t.now);
            }
            return true;
        }
        ReleaseShape target = t.spec.target();
        ReleaseShape stable = t.spec.stable();
        Analysis a = b.analysis();
        boolean timeUp = b.until() != null && !t.now.isBefore(b.until());
        if (a == null) {
            if (timeUp) {
                t.events.add("baked for " + Tick.seconds(Duration.between(b.since(), t.now)));
                t.state = t.state.nextProgramStep(t.now);
                return true;
            }
            return false;
        }
        int share = t.desiredWeights().getOrDefault(target.number(), 0);
        if (t.state.failure() == null && share > bakedShare(target)) {
            // A tick that passed this bake and moved traffic on was carried out, and its state never saved: judging
            // again now would judge other traffic than the bake's.
            t.events.add("the bake had passed before a restart; going on from " + share + "% of traffic on v"
                    + target.number());
            t.state = t.state.nextProgramStep(t.now);
            return true;
        }
        if (Tick.countsRestarted(b.baseline(), t.obs.groups())) {
            // The router restarted (in cutover server it restarts with the controller) and counts from zero again:
            // judge the traffic since then, not the difference between two routers' counts.
            b = new Step.Bake(b.since(), b.until(), b.deadline(), a, Map.of(), b.analysisStep());
            t.state = t.state.with(b, t.now);
        }
        GroupObservation candidate = group(target).since(b.baseline().get(target.number()));
        GroupObservation stableSeen = stable.number() == 0 ? null
                : group(stable).since(b.baseline().get(stable.number()));
        Analyzer.Verdict verdict = Analyzer.judge(a, candidate, stableSeen);
        switch (verdict) {
            case Analyzer.Verdict.Fail f -> {
                t.fail(new Failure(FailureReason.ANALYSIS, "analysis of v" + target.number() + " failed: "
                        + f.summary(), null), false);
                return true;
            }
            case Analyzer.Verdict.Pass p -> {
                if (b.analysisStep() || timeUp) {
                    t.events.add("analysis " + p.summary());
                    t.state = t.state.nextProgramStep(t.now);
                    return true;
                }
                return false;
            }
            case Analyzer.Verdict.Inconclusive i -> {
                boolean over = b.analysisStep() ? !t.now.isBefore(b.deadline()) : timeUp;
                if (!over) {
                    return false;
                }
                switch (a.inconclusive()) {
                    case WAIT -> {
                        if (!t.now.isBefore(b.deadline())) {
                            t.fail(new Failure(FailureReason.INCONCLUSIVE, i.summary() + " by the deadline", null), false);
                            return true;
                        }
                        return false;
                    }
                    case PAUSE -> {
                        t.events.add(i.summary() + ": waiting for cutover promote (or cutover abort)");
                        t.state = t.state.with(new Step.Bake(b.since(), null, t.now.plus(Duration.ofDays(365)), null,
                                b.baseline(), false), t.now);
                        return true;
                    }
                    case FAIL -> {
                        t.fail(new Failure(FailureReason.INCONCLUSIVE, i.summary(), null), false);
                        return true;
                    }
                    case PROCEED -> {
                        t.events.add("not judged, " + i.summary() + "; going on");
                        t.state = t.state.nextProgramStep(t.now);
                        return true;
                    }
                }
                return false;
            }
        }
    }

    boolean keepOld(Step.KeepOld step) {
        if (t.obs.promotions() > t.state.promotionsSeen()) {
            t.events.add(step.settling() ? "promoted: draining the old set now" : "promoted: ending keep-old now");
            t.state = t.state.promotionUsed(t.now).with(new Step.Choose(), t.now);
            return true;
        }
        if (t.watchFailed(step.baseline(), b -> new Step.KeepOld(step.until(), step.settling(), b, step.extended(),
                step.watched()))) {
            return true;
        }
        // with its baseline as watchFailed left it (rebased, after a router restart)
        Step.KeepOld k = t.state.step() instanceof Step.KeepOld rebased ? rebased : step;
        // a watch (the short one, or the start of keep-old) waits for probes that have just failed to decide
        Instant watchEnd = k.settling() ? k.until() : k.watched();
        if (watchEnd != null && !t.now.isBefore(watchEnd) && t.probesUndecided(watchEnd, k.extended())) {
            if (!k.extended()) {
                t.state = t.state.with(new Step.KeepOld(k.until(), k.settling(), k.baseline(), true, k.watched()),
                        t.now);
            }
            return false;
        }
        if (!k.settling() && k.watched() != null && !t.now.isBefore(k.watched()) && t.now.isBefore(k.until())) {
            // the watch is over and nothing failed: from here on the old set is kept for a person's rollback
            String unjudged = t.unjudged(k.baseline());
            t.events.add("v" + t.spec.target().number() + " watched for " + Tick.seconds(t.spec.policy().watch())
                    + " with all the traffic, " + (unjudged == null ? "no failure" : "not judged: " + unjudged)
                    + "; v" + t.spec.stable().number() + " stays warm for "
                    + Tick.seconds(Duration.between(t.now, k.until())) + " more");
            t.state = t.state.with(new Step.KeepOld(k.until(), false, k.baseline(), k.extended(), null), t.now);
            return true;
        }
        if (!t.now.isBefore(k.until())) {
            t.sayIfUnjudged(k.baseline());
            t.state = t.state.with(new Step.Choose(), t.now);
            return true;
        }
        return false;
    }

    /** Switch back at once while the stable set is warm, then drain and stop the candidate. */
    private boolean rollback() {
        ReleaseShape target = t.spec.target();
        ReleaseShape stable = t.spec.stable();
        Map<Integer, Integer> back = Map.of(stable.number(), 100, target.number(), 0);
        List<InstanceRecord> candidates = t.live(ReleaseShape.WEB).stream()
                .filter(r -> r.release() != stable.number()).toList();
        boolean candidateRouted = candidates.stream().anyMatch(r -> r.routing() != Routing.NONE);
        if (candidateRouted && !t.obs.desiredWeights().isEmpty() && !t.obs.desiredWeights().equals(back)) {
            t.setWeights(back);
            if (t.state.switchedAt() != null) {
                t.actions.add(new Action.MarkServing(stable.number()));
            }
            t.events.add("switching all traffic back to v" + stable.number() + ": its instances are warm, no process"
                    + " starts");
            t.state = t.state.with(new Step.AwaitWeights(back, t.now, t.now.plus(t.deadline())), t.now);
            return true;
        }
        List<InstanceRecord> left = t.stopUnrouted(candidates);
        if (!left.isEmpty()) {
            t.drain(left);
            return true;
        }
        return false;
    }

    /** Whether every stable instance is still running and routed, so traffic can go back without a start. */
    boolean stableWarm() {
        ReleaseShape stable = t.spec.stable();
        long warm = t.live(ReleaseShape.WEB).stream()
                .filter(r -> r.release() == stable.number() && r.routing() == Routing.ACTIVE).count();
        return warm >= stable.count(ReleaseShape.WEB);
    }

    /** The candidate's share of traffic while the current program step bakes: the last split the program set. */
    private int bakedShare(ReleaseShape target) {
        int share = 0;
        List<TrafficStep> program = program(t.spec.policy());
        for (int i = 0; i < Math.min(t.state.program(), program.size()); i++) {
            if (program.get(i) instanceof TrafficStep.SetWeight w) {
                share = w.percent();
            }
        }
        return share;
    }

    /** Counts only grow while one router counts: fewer than before means another router counts now. */
    private GroupObservation group(ReleaseShape release) {
        return t.obs.groups().getOrDefault(release.number(), GroupObservation.NONE);
    }

    /** The traffic program of a shifting strategy, always ending with all traffic on the candidate. */
    static List<TrafficStep> program(DeployPolicy p) {
        List<TrafficStep> steps = new ArrayList<>();
        switch (p.strategy()) {
            case DeployPolicy.BLUE_GREEN -> {
                if (p.approval()) {
                    steps.add(new TrafficStep.Pause(null));
                }
            }
            case DeployPolicy.CANARY, DeployPolicy.LINEAR, DeployPolicy.STEPS -> steps.addAll(p.steps());
            default -> { }
        }
        if (steps.isEmpty() || !(steps.getLast() instanceof TrafficStep.SetWeight w && w.percent() == 100)) {
            steps.add(new TrafficStep.SetWeight(100));
        }
        return steps;
    }
}
