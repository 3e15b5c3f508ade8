package dev.cutover.engine.rollout;

import java.time.Duration;
import java.util.Objects;

/**
 * What a deployment is asked to do: move an environment to {@code target}; on failure, back to {@code stable}.
 *
 * @param stable the release serving before; {@link ReleaseShape#none()} on a first deployment
 * @param stopTimeout how long a draining instance may keep in-flight requests before it is told to stop
 * @param deadline how long one step may take
 */
public record RolloutSpec(ReleaseShape target, ReleaseShape stable, Duration stopTimeout, Duration deadline) {
    public RolloutSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(stable, "stable");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(deadline, "deadline");
    }
}
