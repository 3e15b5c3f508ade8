package dev.cutover.engine.rollout;

import dev.cutover.model.manifest.DeployPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What a deployment is asked to do: move an environment to {@code target} by {@code policy}; on failure, back to
 * {@code stable}.
 *
 * @param stable the release serving before; {@link ReleaseShape#none()} on a first deployment
 */
public record RolloutSpec(ReleaseShape target, ReleaseShape stable, DeployPolicy policy) {
    public RolloutSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(stable, "stable");
        Objects.requireNonNull(policy, "policy");
    }

    /** A rolling spec with these timeouts: what the in-place tests use. */
    public RolloutSpec(ReleaseShape target, ReleaseShape stable, Duration stopTimeout, Duration deadline) {
        this(target, stable, new DeployPolicy(DeployPolicy.ROLLING, stopTimeout, deadline, Duration.ZERO, true,
                DeployPolicy.Batch.ONE, true, false, false, Duration.ZERO, java.util.List.of(), null));
    }

    public Duration stopTimeout() {
        return policy.stopTimeout();
    }

    public Duration deadline() {
        return policy.deadline();
    }
}
