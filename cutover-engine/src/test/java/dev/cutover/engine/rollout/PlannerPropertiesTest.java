package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.manifest.DeployPolicy;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Safety properties of the planner over random strategies, fleets, failures and timings. */
class PlannerPropertiesTest {

    @Provide
    Arbitrary<String> strategies() {
        return Arbitraries.of(DeployPolicy.STRATEGIES);
    }

    @Property(tries = 500)
    void safeWhateverHappens(
            @ForAll @IntRange(min = 0, max = 6) int oldCount,
            @ForAll @IntRange(min = 0, max = 6) int newCount,
            @ForAll @IntRange(min = 0, max = 3) int ackDelay,
            @ForAll @IntRange(min = 1, max = 8) int startTicks,
            @ForAll boolean newReleaseBad,
            @ForAll @IntRange(min = 0, max = 60) int abortAt,
            @ForAll boolean abort,
            @ForAll("strategies") String strategy,
            @ForAll @IntRange(min = 1, max = 3) int batch,
            @ForAll boolean surge,
            @ForAll long seed) {
        RandomRollout rollout = new RandomRollout(strategy, oldCount, newCount, ackDelay, startTicks, newReleaseBad,
                batch, surge, Duration.ofSeconds(15), null, seed);
        SimulatedFleet fleet = rollout.fleet();

        RolloutState end = fleet.run(rollout.spec(), RolloutState.start(1, fleet.now), 2000,
                abort ? abortAt : Integer.MAX_VALUE, rollout.capacityFloor());

        assertThat(fleet.violations).as("safety violations").isEmpty();
        assertThat(end.phase().finished()).as("finished within 2000 ticks").isTrue();
        rollout.assertEndsConsistent(fleet, end);
    }
}
