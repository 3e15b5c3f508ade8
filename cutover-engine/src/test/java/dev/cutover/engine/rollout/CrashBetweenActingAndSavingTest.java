package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.engine.rollout.CrashRecoveryPropertiesTest.Crash;
import dev.cutover.engine.rollout.CrashRecoveryPropertiesTest.Run;
import dev.cutover.model.manifest.Analysis;
import dev.cutover.model.manifest.DeployPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A controller that carried out a tick's actions and died before saving the state: the next tick plans from the
 * state saved before, against a world that already changed. Each case is one {@link CrashRecoveryPropertiesTest}
 * found; each ends as the same deployment ends without the crash.
 */
class CrashBetweenActingAndSavingTest {

    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final int NO_ABORT = Integer.MAX_VALUE;

    @Test
    void aRollbackAfterAnUnsavedLaunchNamesItsInstancesAfterTheOneAlreadyRunning() {
        // the launch of d1-web-1 at tick 0 is never saved: the next instance is numbered 1 again, unless the
        // planner sees that d1-web-1 is already there; rolling back, a "v1 d1-web-1" would be the running v2 one
        RandomRollout rollout = new RandomRollout(DeployPolicy.ROLLING, 2, 2, 1, 1, false, 1, true, DEADLINE, null, 1);

        Run run = CrashRecoveryPropertiesTest.run(rollout, Map.of(0, Crash.AFTER_ACTING), false, 4);

        assertThat(run.fleet().violations).isEmpty();
        assertThat(run.end().phase()).isEqualTo(Phase.ROLLED_BACK);
        rollout.assertEndsConsistent(run.fleet(), run.end());
    }

    @Test
    void aSwitchCarriedOutButNeverSavedIsNeitherAwaitedUntilTheDeadlineNorUndone() {
        // at tick 15 the switch to v2, the drain of v1 and the split back to "by instance count" are carried out and
        // never saved; the saved state still waits for the 100% split the store no longer asks for
        RandomRollout rollout = new RandomRollout(DeployPolicy.IMMUTABLE, 1, 2, 1, 2, false, 1, true, DEADLINE,
                null, 0);

        Run run = CrashRecoveryPropertiesTest.run(rollout, Map.of(12, Crash.AFTER_ACTING, 15, Crash.AFTER_ACTING),
                true, NO_ABORT);

        // among the violations: traffic pinned to the v1 set that was already stopped
        assertSucceededSafely(rollout, run);
    }

    @Test
    void aBakePassedByAnUnsavedTickIsNotJudgedAgainOnTheTrafficThatFollowed() {
        // the tick that passed the last bake moved all traffic to v2, then the router restarted with the
        // controller: judged again, v2 would be compared with a stable group that no longer gets any request
        Analysis compared = new Analysis(0.05, null, true, 10, Analysis.Inconclusive.WAIT);
        RandomRollout rollout = new RandomRollout(DeployPolicy.LINEAR, 1, 1, 3, 1, false, 1, true, DEADLINE,
                compared, 0);

        Run run = CrashRecoveryPropertiesTest.run(rollout, Map.of(3, Crash.BEFORE_ACTING, 34, Crash.AFTER_ACTING),
                true, NO_ABORT);

        assertSucceededSafely(rollout, run);
    }

    @Test
    void aDeploymentDoesNotEndWhileAnOlderSplitIsStillOnItsWayToTheRouter() {
        // the abort at tick 2 asks for "by instance count" and is never saved; the next tick aborts again and finds
        // nothing left to ask for, while the router has yet to apply the split pinned at tick 0
        RandomRollout rollout = new RandomRollout(DeployPolicy.IMMUTABLE, 1, 0, 3, 1, false, 1, true, DEADLINE,
                null, 0);

        Run run = CrashRecoveryPropertiesTest.run(rollout, Map.of(2, Crash.AFTER_ACTING), false, 2);

        assertThat(run.fleet().violations).isEmpty();
        assertThat(run.end().phase()).isEqualTo(Phase.ROLLED_BACK);
        rollout.assertEndsConsistent(run.fleet(), run.end());
    }

    private static void assertSucceededSafely(RandomRollout rollout, Run run) {
        assertThat(run.fleet().violations).isEmpty();
        assertThat(run.end().failure()).isNull();
        assertThat(run.end().phase()).isEqualTo(Phase.SUCCEEDED);
        rollout.assertEndsConsistent(run.fleet(), run.end());
    }
}
