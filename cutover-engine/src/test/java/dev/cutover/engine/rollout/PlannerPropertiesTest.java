package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Safety properties of the planner over random strategies, fleets, failures and timings. */
class PlannerPropertiesTest {

    @Provide
    Arbitrary<RandomRollout> rollouts() {
        return RandomRollout.any(Duration.ofSeconds(15), null);
    }

    @Property(tries = 500)
    void safeWhateverHappens(
            @ForAll("rollouts") RandomRollout rollout,
            @ForAll @IntRange(min = 0, max = 60) int abortAt,
            @ForAll boolean abort) {
        SimulatedFleet fleet = rollout.fleet();

        RolloutState end = fleet.run(rollout.spec(), RolloutState.start(1, fleet.now), 2000,
                abort ? abortAt : Integer.MAX_VALUE, rollout.capacityFloor());

        // the fleet also checks: nothing but the run is asked for before it exited 0, and never a second run
        assertThat(fleet.violations).as("safety violations").isEmpty();
        assertThat(end.phase().finished()).as("finished within 2000 ticks").isTrue();
        rollout.assertEndsConsistent(fleet, end);
    }
}
