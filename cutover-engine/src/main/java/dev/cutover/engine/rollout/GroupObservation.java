package dev.cutover.engine.rollout;

/**
 * What the router has counted for one release's target group since it first appeared: cumulative, so a bake judges
 * the difference between two observations.
 *
 * @param requests responses completed, plus requests that failed in the router
 * @param errors 5xx responses from the app plus failures the router answered with a 5xx
 * @param p99Millis the p99 latency of the group's responses over its recent window, or -1 when unknown
 */
public record GroupObservation(long requests, long errors, double p99Millis) {
    public static final GroupObservation NONE = new GroupObservation(0, 0, -1);

    /** The counts since {@code earlier}; the latency is this observation's. */
    public GroupObservation since(GroupObservation earlier) {
        GroupObservation base = earlier == null ? NONE : earlier;
        return new GroupObservation(Math.max(0, requests - base.requests), Math.max(0, errors - base.errors), p99Millis);
    }

    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }
}
