package dev.cutover.engine.rollout;

import dev.cutover.model.manifest.Analysis;
import java.util.Locale;

/** Judges a candidate's traffic during a bake. Pure. */
final class Analyzer {

    private Analyzer() {}

    /** The outcome of one judgement. */
    sealed interface Verdict {
        String summary();

        record Pass(String summary) implements Verdict {}

        record Fail(String summary) implements Verdict {}

        /** Too little data: never a pass. */
        record Inconclusive(String summary) implements Verdict {}
    }

    /**
     * @param candidate the candidate group's counts since the bake began
     * @param stable the stable group's counts since then, or null when there is none
     */
    static Verdict judge(Analysis a, GroupObservation candidate, GroupObservation stable) {
        String seen = describe("candidate", candidate) + (stable == null ? "" : "; " + describe("stable", stable));
        if (candidate.requests() < a.minRequests()) {
            return new Verdict.Inconclusive("inconclusive: " + candidate.requests() + " requests, need "
                    + a.minRequests() + " (" + seen + ")");
        }
        boolean compare = a.compareToStable() && stable != null && stable.requests() > 0;
        double rate = candidate.errorRate();
        double excess = compare ? rate - stable.errorRate() : rate;
        if (excess - NOISE * standardError(candidate, compare ? stable : null) > a.maxErrorRate()) {
            return new Verdict.Fail("5xx rate " + pct(rate) + " is above " + (compare
                    ? "the stable group's " + pct(stable.errorRate()) + " by more than " + pct(a.maxErrorRate())
                    : "the limit of " + pct(a.maxErrorRate())) + " (" + seen + ")");
        }
        if (a.maxP99() != null && candidate.p99Millis() >= 0) {
            double limit = a.maxP99().toMillis();
            if (compare && stable.p99Millis() > 0) {
                limit = Math.max(limit, stable.p99Millis() * 1.5);
            }
            if (candidate.p99Millis() > limit) {
                return new Verdict.Fail(String.format(Locale.ROOT, "p99 latency %.0fms is above the limit of %.0fms (%s)",
                        candidate.p99Millis(), limit, seen));
            }
        }
        return new Verdict.Pass("passed: " + seen);
    }

    /**
     * How many standard errors of the measured rates an error rate must be above the limit by before it fails: the
     * judgement is made again on every tick of a bake, so a candidate exactly as good as the stable group, at 10% errors
     * over 100 requests, must not fail on a run of bad luck (with a plain comparison it did, in 5 of 12 canaries
     * measured). A release that fails most requests is still over the limit well beyond this from its first 100.
     */
    static final double NOISE = 3.0;

    /** The standard error of the candidate's 5xx rate, or of its difference with the stable group's. */
    private static double standardError(GroupObservation candidate, GroupObservation stable) {
        double variance = variance(candidate);
        if (stable != null) {
            variance += variance(stable);
        }
        return Math.sqrt(variance);
    }

    private static double variance(GroupObservation g) {
        double p = g.errorRate();
        return g.requests() == 0 ? 0 : p * (1 - p) / g.requests();
    }

    private static String describe(String name, GroupObservation g) {
        return String.format(Locale.ROOT, "%s: %d requests, %d 5xx (%s)%s", name, g.requests(), g.errors(),
                pct(g.errorRate()), g.requests() > 0 && g.p99Millis() >= 0
                        ? String.format(Locale.ROOT, ", p99 %.0fms", g.p99Millis()) : "");
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
