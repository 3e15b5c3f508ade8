package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.manifest.Analysis;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * The durability requirement, on the planner: a controller that crashes at random ticks of any strategy ends the
 * deployment as a run without crashes would, with no instance orphaned or started twice.
 *
 * <p>A controller can crash in two ways: after carrying out a tick's actions but before saving the new state (the
 * next tick plans from the state saved before, against a world that changed), or before carrying out anything (the
 * tick is lost). In {@code cutover server} the router runs in the controller's process and restarts with it: it
 * comes back with no table, no connections and its counts at zero; a router on its own machine keeps all three.
 *
 * <p>At every tick, besides the safety checks of {@link SimulatedFleet} (no stop signal before the router
 * acknowledged, weights summing to 100, never a Launch of an id already used by another instance, never a Launch of
 * the failed release): the instances that get requests (routed, of a release the split gives a share) never fall
 * below the strategy's floor, except while a restarted router has no table yet. At the end: the
 * running instances are exactly what the phase promises, and without an abort the phase is the one the same
 * deployment reaches without crashes.
 */
class CrashRecoveryPropertiesTest {

    private static final int MAX_TICKS = 3000;
    /** Long enough that a few crashes in one step, each costing the router's acknowledgements, do not fail it. */
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    /**
     * Judges bakes against the stable group: with both releases answering 10% errors, the candidate passes only if
     * its counts and the stable group's are compared over the same stretch of traffic.
     */
    private static final Analysis COMPARED = new Analysis(0.05, null, true, 10, Analysis.Inconclusive.WAIT);

    /** How a tick of the controller can end early; a tick without one plans, acts and saves. */
    enum Crash {
        /** It died before carrying out anything: the tick is lost. */
        BEFORE_ACTING,
        /** It carried out the tick's actions and died before saving the new state. */
        AFTER_ACTING
    }

    @Provide
    Arbitrary<RandomRollout> rollouts() {
        return RandomRollout.any(DEADLINE, COMPARED);
    }

    @Property(tries = 1000)
    void aControllerCrashingAtRandomTicksEndsAsACrashFreeOneWithNothingOrphanedOrDuplicated(
            @ForAll("rollouts") RandomRollout rollout,
            @ForAll @IntRange(min = 0, max = 60) int abortAt,
            @ForAll boolean abort,
            @ForAll @Size(min = 1, max = 8) Map<@IntRange(min = 0, max = 50) Integer, Crash> crashes,
            @ForAll boolean routerInServer) {
        int abortTick = abort ? abortAt : Integer.MAX_VALUE;

        Run crashed = run(rollout, crashes, routerInServer, abortTick);
        Run crashFree = run(rollout, Map.of(), routerInServer, abortTick);
        Statistics.label("crashes before the end").collect(crashed.crashesBeforeTheEnd);

        assertThat(crashed.fleet.violations).as("safety violations").isEmpty();
        assertThat(crashed.end.phase().finished()).as("finished within " + MAX_TICKS + " ticks").isTrue();
        rollout.assertEndsConsistent(crashed.fleet, crashed.end);
        rollout.assertEndsConsistent(crashFree.fleet, crashFree.end);
        Phase rolledBack = rollout.oldCount() == 0 ? Phase.FAILED : Phase.ROLLED_BACK;
        if (abort) {
            assertThat(crashed.end.phase()).as("aborted at tick " + abortAt).isIn(Phase.SUCCEEDED, rolledBack);
        } else {
            assertThat(crashed.end.phase()).as("the phase a run without crashes reaches; this one failed: "
                    + crashed.end.failure()).isEqualTo(crashFree.end.phase());
        }
    }

    record Run(SimulatedFleet fleet, RolloutState end, int crashesBeforeTheEnd) {}

    /**
     * Runs the deployment to its end as the controller's loop does, crashing at the ticks given. The planner gets
     * what the controller reads from its store: the instances wanted running and the state saved last.
     */
    static Run run(RandomRollout rollout, Map<Integer, Crash> crashes, boolean routerInServer, int abortTick) {
        SimulatedFleet fleet = rollout.fleet();
        fleet.requestsPerTick = 50;
        fleet.errorRates.put(1, 0.1);
        fleet.errorRates.put(2, 0.1);
        RolloutSpec spec = rollout.spec();
        int floor = rollout.capacityFloor();
        RolloutState saved = RolloutState.start(1, fleet.now);
        int crashed = 0;
        for (int i = 0; i < MAX_TICKS && !saved.phase().finished(); i++) {
            Crash crash = crashes.get(fleet.tick);
            crashed += crash == null ? 0 : 1;
            if (crash != Crash.BEFORE_ACTING) {
                Plan plan = Planner.plan(spec, saved, fleet.wanted(), fleet.observe(fleet.tick >= abortTick));
                fleet.apply(plan, spec);
                if (crash == null) {
                    saved = plan.next();
                }
            }
            if (crash != null && routerInServer) {
                fleet.restartRouter();
            }
            fleet.advance();
            if (!fleet.routerCatchingUp() && fleet.servingActive() < floor) {
                fleet.violations.add("tick " + fleet.tick + ": " + fleet.servingActive()
                        + " instances get requests, below the floor of " + floor);
            }
        }
        return new Run(fleet, saved, crashed);
    }
}
