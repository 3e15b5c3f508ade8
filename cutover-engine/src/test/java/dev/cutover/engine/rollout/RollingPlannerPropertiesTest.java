package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Safety properties of the rolling planner over random fleets, failures and timings. */
class RollingPlannerPropertiesTest {

    @Property(tries = 300)
    void safeWhateverHappens(
            @ForAll @IntRange(min = 0, max = 6) int oldCount,
            @ForAll @IntRange(min = 0, max = 6) int newCount,
            @ForAll @IntRange(min = 0, max = 3) int ackDelay,
            @ForAll @IntRange(min = 1, max = 8) int startTicks,
            @ForAll boolean newReleaseBad,
            @ForAll @IntRange(min = 0, max = 60) int abortAt,
            @ForAll boolean abort,
            @ForAll long seed) {
        SimulatedFleet fleet = new SimulatedFleet(seed, ackDelay, startTicks);
        for (int i = 1; i <= oldCount; i++) {
            fleet.running("old-" + i, 1);
        }
        if (newReleaseBad) {
            fleet.badReleases.add(2);
        }
        ReleaseShape stable = oldCount == 0 ? ReleaseShape.none() : new ReleaseShape(1, Map.of("web", oldCount));
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", newCount)), stable,
                Duration.ofSeconds(5), Duration.ofSeconds(15));
        int floor = Math.min(oldCount, newCount);

        RolloutState end = fleet.run(spec, RolloutState.start(1, fleet.now), 2000,
                abort ? abortAt : Integer.MAX_VALUE, floor);

        assertThat(fleet.violations).as("safety violations").isEmpty();
        assertThat(end.phase().finished()).as("finished within 2000 ticks").isTrue();
        switch (end.phase()) {
            case SUCCEEDED -> {
                assertThat(fleet.runningWeb()).hasSize(newCount);
                assertThat(fleet.runningWeb()).allMatch(r -> r.release() == 2 && r.routing() == Routing.ACTIVE);
            }
            case ROLLED_BACK -> {
                assertThat(fleet.runningWeb()).hasSize(oldCount);
                assertThat(fleet.runningWeb()).allMatch(r -> r.release() == 1 && r.routing() == Routing.ACTIVE);
            }
            case FAILED -> assertThat(fleet.runningWeb()).isEmpty();
            case RUNNING, ROLLING_BACK -> throw new AssertionError("not finished: " + end);
        }
        if (newReleaseBad && newCount > 0) {
            assertThat(end.phase()).isNotEqualTo(Phase.SUCCEEDED);
        }
    }
}
