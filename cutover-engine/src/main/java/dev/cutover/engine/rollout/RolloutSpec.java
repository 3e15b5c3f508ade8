package dev.cutover.engine.rollout;

import dev.cutover.model.manifest.DeployPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What a deployment is asked to do: move an environment to {@code target} by {@code policy}; on failure, back to
 * {@code stable}.
 *
 * @param stable the release serving before; {@link ReleaseShape#none()} on a first deployment
 * @param release the command to run once, in {@code target}'s environment, before anything else; null for none
 */
public record RolloutSpec(ReleaseShape target, ReleaseShape stable, DeployPolicy policy, String release) {
    public RolloutSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(stable, "stable");
        Objects.requireNonNull(policy, "policy");
        if (release != null && release.isBlank()) {
            throw new IllegalArgumentException("release: '" + release + "' (expected: a command, or null for none)");
        }
    }

    /** A spec without a release command. */
    public RolloutSpec(ReleaseShape target, ReleaseShape stable, DeployPolicy policy) {
        this(target, stable, policy, null);
    }

    /** A scale ({@code cutover scale}): the release that serves, to other instance counts; there is none to replace. */
    public boolean scales() {
        return target.number() == stable.number();
    }

    /** The same spec with {@code command} as its release command. */
    public RolloutSpec withRelease(String command) {
        return new RolloutSpec(target, stable, policy, command);
    }

    /** A rolling spec with these timeouts and no watch at the end: what the in-place tests use. */
    public RolloutSpec(ReleaseShape target, ReleaseShape stable, Duration stopTimeout, Duration deadline) {
        this(target, stable, new DeployPolicy(DeployPolicy.ROLLING, stopTimeout, deadline, Duration.ZERO, true,
                DeployPolicy.Batch.ONE, true, false, false, Duration.ZERO, java.util.List.of(), null, Duration.ZERO));
    }

    public Duration stopTimeout() {
        return policy.stopTimeout();
    }

    public Duration deadline() {
        return policy.deadline();
    }
}
