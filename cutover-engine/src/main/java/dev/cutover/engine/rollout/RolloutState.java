package dev.cutover.engine.rollout;

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
 */
public record RolloutState(long deployment, Phase phase, Step step, int nextSeq, Failure failure, Instant updatedAt) {

    public RolloutState {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(step, "step");
    }

    public static RolloutState start(long deployment, Instant now) {
        return new RolloutState(deployment, Phase.RUNNING, new Step.Choose(), 1, null, now);
    }

    RolloutState with(Step next, Instant now) {
        return new RolloutState(deployment, phase, next, nextSeq, failure, now);
    }

    RolloutState launched(Step next, Instant now) {
        return new RolloutState(deployment, phase, next, nextSeq + 1, failure, now);
    }

    RolloutState failed(Phase next, Failure why, Instant now) {
        return new RolloutState(deployment, next, new Step.Choose(), nextSeq, why, now);
    }

    RolloutState finished(Phase last, Instant now) {
        return new RolloutState(deployment, last, new Step.Done(), nextSeq, failure, now);
    }

    String instanceId(String type) {
        return "d" + deployment + "-" + type + "-" + nextSeq;
    }
}
