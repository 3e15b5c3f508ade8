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
        if (compare ? rate - stable.errorRate() > a.maxErrorRate() : rate > a.maxErrorRate()) {
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

    private static String describe(String name, GroupObservation g) {
        return String.format(Locale.ROOT, "%s: %d requests, %d 5xx (%s)%s", name, g.requests(), g.errors(),
                pct(g.errorRate()), g.requests() > 0 && g.p99Millis() >= 0
                        ? String.format(Locale.ROOT, ", p99 %.0fms", g.p99Millis()) : "");
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
