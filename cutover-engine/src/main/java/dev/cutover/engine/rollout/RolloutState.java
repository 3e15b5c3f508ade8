package dev.cutover.engine.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A deployment's persisted state: saved after every tick that changed it, read back after a restart.
 *
 * @param deployment the deployment's id, the prefix of the instance ids it names
 * @param phase where it stands
 * @param step what it waits for
 * @param nextSeq the number of the next instance it launches
 * @param failure why it is rolling back or failed; null otherwise
 * @param program traffic shifting: the index of the next step of the program
 * @param promotionsSeen how many promotions have been used up
 * @param pausedAt when a pause asked for by someone began; null when not paused
 * @param switchedAt when all traffic reached the new release: the switch (traffic shifting), or the end of the last
 *                   batch (in place), where the watch of {@link Step.Watch} began; null before
 * @param releaseDone whether the release step is over: the release command exited 0, or it failed and a person chose
 *                    to go on. False too for a deployment without a release command, which never looks at it
 */
public record RolloutState(long deployment, Phase phase, Step step, int nextSeq, Failure failure, Instant updatedAt,
        int program, int promotionsSeen, Instant pausedAt, Instant switchedAt, boolean releaseDone) {

    public RolloutState {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(step, "step");
    }

    public static RolloutState start(long deployment, Instant now) {
        return new RolloutState(deployment, Phase.RUNNING, new Step.Choose(), 1, null, now, 0, 0, null, null, false);
    }

    /** The same state with {@code why} as its failure: the controller adds evidence to the planner's account. */
    public RolloutState withFailure(Failure why) {
        return new RolloutState(deployment, phase, step, nextSeq, why, updatedAt, program, promotionsSeen, pausedAt,
                switchedAt, releaseDone);
    }

    RolloutState with(Step next, Instant now) {
        return new RolloutState(deployment, phase, next, nextSeq, failure, now, program, promotionsSeen, pausedAt,
                switchedAt, releaseDone);
    }

    RolloutState launched(int count, Instant now) {
        return new RolloutState(deployment, phase, step, nextSeq + count, failure, now, program, promotionsSeen,
                pausedAt, switchedAt, releaseDone);
    }

    RolloutState failed(Phase next, Failure why, Instant now) {
        return new RolloutState(deployment, next, new Step.Choose(), nextSeq, why, now, program, promotionsSeen, null,
                switchedAt, releaseDone);
    }

    /** Running forward with a failure recorded, holding at {@code step} until a person aborts or goes on. */
    RolloutState held(Failure why, Step step, Instant now) {
        return new RolloutState(deployment, Phase.RUNNING, step, nextSeq, why, now, program, promotionsSeen, null,
                switchedAt, releaseDone);
    }

    RolloutState finished(Phase last, Instant now) {
        return new RolloutState(deployment, last, new Step.Done(), nextSeq, failure, now, program, promotionsSeen,
                null, switchedAt, releaseDone);
    }

    RolloutState nextProgramStep(Instant now) {
        return new RolloutState(deployment, phase, new Step.Choose(), nextSeq, failure, now, program + 1,
                promotionsSeen, pausedAt, switchedAt, releaseDone);
    }

    RolloutState promotionUsed(Instant now) {
        return new RolloutState(deployment, phase, step, nextSeq, failure, now, program, promotionsSeen + 1, pausedAt,
                switchedAt, releaseDone);
    }

    RolloutState switched(Instant now) {
        return new RolloutState(deployment, phase, step, nextSeq, failure, now, program, promotionsSeen, pausedAt, now,
                releaseDone);
    }

    RolloutState pausedSince(Instant at) {
        return new RolloutState(deployment, phase, step, nextSeq, failure, at, program, promotionsSeen, at, switchedAt,
                releaseDone);
    }

    RolloutState released(Instant now) {
        return new RolloutState(deployment, phase, step, nextSeq, failure, now, program, promotionsSeen, pausedAt,
                switchedAt, true);
    }

    /** Resumes after a pause: every wait and deadline of the current step moves by the time it was paused. */
    RolloutState resumed(Instant now) {
        Duration paused = pausedAt == null ? Duration.ZERO : Duration.between(pausedAt, now);
        Step shifted = switch (step) {
            case Step.AwaitRelease r -> new Step.AwaitRelease(r.run(), r.since().plus(paused),
                    r.deadline().plus(paused));
            case Step.AwaitReady r -> new Step.AwaitReady(r.instances(), r.since().plus(paused),
                    r.deadline().plus(paused), null);
            case Step.AwaitRouted r -> new Step.AwaitRouted(r.instances(), r.since().plus(paused),
                    r.deadline().plus(paused));
            case Step.AwaitDrained d -> new Step.AwaitDrained(d.instances(), d.since().plus(paused),
                    d.deadline().plus(paused));
            case Step.AwaitWeights w -> new Step.AwaitWeights(w.weights(), w.since().plus(paused),
                    w.deadline().plus(paused));
            case Step.Bake b -> new Step.Bake(b.since().plus(paused), b.until() == null ? null : b.until().plus(paused),
                    b.deadline().plus(paused), b.analysis(), b.baseline(), b.analysisStep());
            case Step.KeepOld k -> new Step.KeepOld(k.until().plus(paused), k.settling(), k.baseline(), k.extended(),
                    k.watched() == null ? null : k.watched().plus(paused));
            case Step.Watch w -> new Step.Watch(w.until().plus(paused), w.baseline(), w.extended());
            case Step.Choose c -> c;
            case Step.Done d -> d;
        };
        return new RolloutState(deployment, phase, shifted, nextSeq, failure, now, program, promotionsSeen, null,
                switchedAt, releaseDone);
    }

    /**
     * After the controller restarted: the wait it was in gets its whole deadline again from {@code now}, when that is
     * later. While it was down nothing watched the instances or the router (in {@code cutover server} the agent and
     * the router restart with it), so the time it was down says nothing about them; a release that does not get
     * healthy still fails, a deadline later. Timed bakes and keep-old are not deadlines and keep their end.
     */
    public RolloutState restarted(Instant now) {
        Step again = switch (step) {
            case Step.AwaitRelease r -> new Step.AwaitRelease(r.run(), r.since(), later(r.since(), r.deadline(), now));
            case Step.AwaitReady r -> new Step.AwaitReady(r.instances(), r.since(),
                    later(r.since(), r.deadline(), now), r.healthySince());
            case Step.AwaitRouted r -> new Step.AwaitRouted(r.instances(), r.since(),
                    later(r.since(), r.deadline(), now));
            case Step.AwaitWeights w -> new Step.AwaitWeights(w.weights(), w.since(),
                    later(w.since(), w.deadline(), now));
            case Step.Bake b -> new Step.Bake(b.since(), b.until(), later(b.since(), b.deadline(), now), b.analysis(),
                    b.baseline(), b.analysisStep());
            case Step.AwaitDrained d -> d; // the drained requests died with the router: nothing is left to wait for
            case Step.KeepOld k -> k;
            case Step.Watch w -> w;
            case Step.Choose c -> c;
            case Step.Done d -> d;
        };
        return again.equals(step) ? this : with(again, now);
    }

    private static Instant later(Instant since, Instant deadline, Instant now) {
        Instant again = now.plus(Duration.between(since, deadline));
        return again.isAfter(deadline) ? again : deadline;
    }

    String instanceId(String type, int offset) {
        return "d" + deployment + "-" + type + "-" + (nextSeq + offset);
    }

    /**
     * The id of this deployment's release command run. Stable, so that a controller that asked for the run and
     * crashed before saving asks again for the same run, which its agent starts only once.
     */
    public String releaseRunId() {
        return "d" + deployment + "-release";
    }

    /** The number in an instance id this deployment named ({@code d12-web-3}: 3); 0 for any other id. */
    int numberOf(String instanceId) {
        String prefix = "d" + deployment + "-";
        int dash = instanceId.lastIndexOf('-');
        if (!instanceId.startsWith(prefix) || dash < prefix.length()) {
            return 0;
        }
        try {
            return Integer.parseInt(instanceId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
