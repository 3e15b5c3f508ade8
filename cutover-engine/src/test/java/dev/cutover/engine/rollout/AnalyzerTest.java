package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.manifest.Analysis;
import org.junit.jupiter.api.Test;

class AnalyzerTest {

    private static final Analysis GUARD = Analysis.guard();

    @Test
    void aCandidateAsGoodAsTheStableGroupIsNotFailedOnTheNoiseOfAHundredRequests() {
        // seen in canaries of a release with a steady 10% of 500s, the stable one the same release
        GroupObservation stable = new GroupObservation(3_000, 297, 10);

        assertThat(Analyzer.judge(GUARD, new GroupObservation(126, 21, 10), stable))
                .isInstanceOf(Analyzer.Verdict.Pass.class);
        assertThat(Analyzer.judge(GUARD, new GroupObservation(102, 20, 10), stable))
                .isInstanceOf(Analyzer.Verdict.Pass.class);
    }

    @Test
    void aCandidateFailingMostRequestsFailsFromItsFirstHundred() {
        Analyzer.Verdict v = Analyzer.judge(GUARD, new GroupObservation(100, 70, 10),
                new GroupObservation(5_000, 150, 10));

        assertThat(v).isInstanceOf(Analyzer.Verdict.Fail.class);
        assertThat(v.summary()).startsWith("5xx rate 70.0% is above the stable group's 3.0% by more than 5.0%");
    }

    @Test
    void aSmallExcessFailsOnceThereIsEnoughTrafficToTellItFromNoise() {
        GroupObservation stable = new GroupObservation(100_000, 3_000, 10);

        assertThat(Analyzer.judge(GUARD, new GroupObservation(200, 22, 10), stable))
                .as("11% against 3% over 200 requests: could be luck").isInstanceOf(Analyzer.Verdict.Pass.class);
        assertThat(Analyzer.judge(GUARD, new GroupObservation(5_000, 550, 10), stable))
                .as("11% against 3% over 5,000 requests: is not").isInstanceOf(Analyzer.Verdict.Fail.class);
    }

    @Test
    void withoutAStableGroupTheLimitIsAbsolute() {
        Analysis absolute = new Analysis(0.01, null, false, 100, Analysis.Inconclusive.FAIL);

        assertThat(Analyzer.judge(absolute, new GroupObservation(1_000, 0, 10), null))
                .isInstanceOf(Analyzer.Verdict.Pass.class);
        assertThat(Analyzer.judge(absolute, new GroupObservation(1_000, 100, 10), null))
                .isInstanceOf(Analyzer.Verdict.Fail.class);
        assertThat(Analyzer.judge(absolute, new GroupObservation(99, 99, 10), null))
                .isInstanceOf(Analyzer.Verdict.Inconclusive.class);
    }
}
