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
 * @param rollbackDeadline how long one step of the way back may take: the longer of the deployment's deadline and
 *     the stable release's own, so that a short deadline given for the new release (or one it fails by) does not
 *     fail the return of the release that served before it
 */
public record RolloutSpec(ReleaseShape target, ReleaseShape stable, DeployPolicy policy, String release,
        Duration rollbackDeadline) {
    public RolloutSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(stable, "stable");
        Objects.requireNonNull(policy, "policy");
        if (release != null && release.isBlank()) {
            throw new IllegalArgumentException("release: '" + release + "' (expected: a command, or null for none)");
        }
        rollbackDeadline = rollbackDeadline == null || rollbackDeadline.compareTo(policy.deadline()) < 0
                ? policy.deadline() : rollbackDeadline;
    }

    /** A spec whose way back has the deployment's own deadline. */
    public RolloutSpec(ReleaseShape target, ReleaseShape stable, DeployPolicy policy, String release) {
        this(target, stable, policy, release, null);
    }

    /** A spec without a release command. */
    public RolloutSpec(ReleaseShape target, ReleaseShape stable, DeployPolicy policy) {
        this(target, stable, policy, null, null);
    }

    /** A scale ({@code cutover scale}): the release that serves, to other instance counts; there is none to replace. */
    public boolean scales() {
        return target.number() == stable.number();
    }

    /** The same spec with {@code command} as its release command. */
    public RolloutSpec withRelease(String command) {
        return new RolloutSpec(target, stable, policy, command, rollbackDeadline);
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
