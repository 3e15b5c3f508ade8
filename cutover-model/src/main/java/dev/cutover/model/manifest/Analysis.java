package dev.cutover.model.manifest;

import java.time.Duration;

/**
 * How a candidate's traffic is judged while it bakes: the router's counts for the candidate's target group
 * (and the stable group's, to compare) since the bake began.
 *
 * @param maxErrorRate the highest share of 5xx responses that passes, from 0 to 1
 * @param maxP99 the highest p99 latency that passes, or null for no latency rule
 * @param compareToStable judge the candidate against the stable group: it fails when its error rate exceeds the
 *                        stable group's by more than {@code maxErrorRate}, or its p99 exceeds both {@code maxP99}
 *                        and 1.5 times the stable group's
 * @param minRequests fewer requests than this are too little data: never a pass
 * @param inconclusive what to do when the bake ends with too little data
 */
public record Analysis(double maxErrorRate, Duration maxP99, boolean compareToStable, int minRequests,
        Inconclusive inconclusive) {

    public static final double DEFAULT_MAX_ERROR_RATE = 0.01;
    public static final int DEFAULT_MIN_REQUESTS = 100;

    /** What too little data at the end of a bake leads to. */
    public enum Inconclusive {
        /** keep baking until there is enough data (the step's deadline still applies) */
        WAIT,
        /** pause until someone runs {@code cutover promote} (or aborts) */
        PAUSE,
        /** fail the step, and roll back */
        FAIL,
        /** go on, saying that nothing was judged: what the default guard does */
        PROCEED;

        public String word() {
            return name().toLowerCase();
        }
    }

    public Analysis {
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            throw new ManifestException("analysis.max-error-rate", maxErrorRate, "a share from 0% to 100%, e.g. 1%");
        }
        if (maxP99 != null && (maxP99.isNegative() || maxP99.isZero())) {
            throw new ManifestException("analysis.max-p99", DurationText.format(maxP99), "a duration above zero");
        }
        if (minRequests < 0) {
            throw new ManifestException("analysis.min-requests", minRequests, "0 or more");
        }
        if (inconclusive == null) {
            throw new ManifestException("analysis.inconclusive", null, "wait, pause, fail or proceed");
        }
    }

    /** The guard's margin over the stable group's 5xx rate. */
    public static final double GUARD_MAX_ERROR_RATE = 0.05;

    /**
     * What judges a bake when the manifest has no {@code analysis}: a candidate whose 5xx rate is more than 5 points
     * above the stable group's (over at least 100 requests) fails, so that a plainly broken release rolls back by
     * itself; too little traffic lets the deployment go on, saying so, since nobody asked for a minimum. The margin
     * is wide on purpose: it is applied to every canary without being asked for, and must not fail a healthy one on
     * the noise of a hundred requests.
     */
    public static Analysis guard() {
        return new Analysis(GUARD_MAX_ERROR_RATE, null, true, DEFAULT_MIN_REQUESTS, Inconclusive.PROCEED);
    }

    public String describe() {
        return "5xx rate at most " + percent(maxErrorRate) + (maxP99 == null ? "" : ", p99 at most "
                + DurationText.format(maxP99)) + (compareToStable ? ", compared with the stable group" : "")
                + ", at least " + minRequests + " requests (too few: " + inconclusive.word() + ")";
    }

    static String percent(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }
}
