package dev.cutover.engine.rollout;

/** Why a deployment failed: a machine reason, paired with a human message in {@link Failure}. */
public enum FailureReason {
    /** A new instance did not pass its health checks before the step's deadline. */
    UNHEALTHY,
    /** A new instance kept exiting. */
    CRASH_LOOP,
    /** A new instance exited after it had passed its health checks and taken traffic. */
    EXITED,
    /** A new instance could not be started at all (missing build, bad archive). */
    START_FAILED,
    /** The router did not acknowledge a routing change before the deadline. */
    ROUTER_TIMEOUT,
    /** The candidate's traffic failed its analysis: too many 5xx, or too slow. */
    ANALYSIS,
    /** A bake ended without enough traffic to judge, and the policy says that fails. */
    INCONCLUSIVE,
    /**
     * The release command exited with a code other than 0, could not be started, was lost, or did not finish before
     * the step's deadline.
     */
    RELEASE_COMMAND,
    /** Someone asked for it to stop. */
    ABORTED;

    public String word() {
        return name().toLowerCase().replace('_', '-');
    }
}
