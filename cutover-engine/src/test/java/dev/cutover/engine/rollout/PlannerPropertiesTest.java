package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.TrafficStep;
import java.util.List;
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
            @ForAll @IntRange(min = 0, max = 5) int releaseKind,
            @ForAll @IntRange(min = 1, max = 8) int releaseTicks,
            @ForAll long seed) {
        SimulatedFleet fleet = new SimulatedFleet(seed, ackDelay, startTicks);
        // 0: no release command; then one that exits 0, exits 3, is lost, cannot start, or never ends
        fleet.release = switch (releaseKind) {
            case 1 -> SimulatedFleet.RunScript.exits(0, releaseTicks);
            case 2 -> SimulatedFleet.RunScript.exits(3, releaseTicks);
            case 3 -> SimulatedFleet.RunScript.lost(releaseTicks);
            case 4 -> SimulatedFleet.RunScript.cannotStart();
            default -> SimulatedFleet.RunScript.hangs();
        };
        boolean releaseFails = releaseKind >= 2;
        for (int i = 1; i <= oldCount; i++) {
            fleet.running("old-" + i, 1);
        }
        if (newReleaseBad) {
            fleet.badReleases.add(2);
        }
        ReleaseShape stable = oldCount == 0 ? ReleaseShape.none() : new ReleaseShape(1, Map.of("web", oldCount));
        List<TrafficStep> steps = switch (strategy) {
            case DeployPolicy.CANARY -> DeployPolicy.canary(20, Duration.ofSeconds(5));
            case DeployPolicy.LINEAR -> DeployPolicy.linear(25, Duration.ofSeconds(3));
            case DeployPolicy.STEPS -> List.of(new TrafficStep.SetWeight(30), new TrafficStep.Pause(Duration.ofSeconds(2)));
            default -> List.of();
        };
        DeployPolicy policy = new DeployPolicy(strategy, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ZERO,
                true, new DeployPolicy.Batch(batch, 0), surge, true, false,
                strategy.equals(DeployPolicy.BLUE_GREEN) ? Duration.ofSeconds(5) : Duration.ZERO, steps, null);
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", newCount)), stable, policy,
                releaseKind == 0 ? null : "./bin/migrate");
        boolean capacityDrops = strategy.equals(DeployPolicy.ALL_AT_ONCE)
                || strategy.equals(DeployPolicy.ROLLING) && !surge;
        int floor = strategy.equals(DeployPolicy.ALL_AT_ONCE) ? 0
                : Math.max(0, Math.min(oldCount, newCount) - (capacityDrops ? batch : 0));

        RolloutState end = fleet.run(spec, RolloutState.start(1, fleet.now), 2000,
                abort ? abortAt : Integer.MAX_VALUE, floor);

        // the fleet also checks: nothing but the run is asked for before it exited 0, and never a second run
        assertThat(fleet.violations).as("safety violations").isEmpty();
        assertThat(end.phase().finished()).as("finished within 2000 ticks").isTrue();
        assertThat(fleet.runsStarted).hasSizeLessThanOrEqualTo(releaseKind == 0 ? 0 : 1);
        assertThat(fleet.runsWanted).as("no run left wanted once the deployment ended").isEmpty();
        if (releaseFails) {
            assertThat(end.phase()).isNotEqualTo(Phase.SUCCEEDED);
            assertThat(fleet.actions).as("nothing launched").noneMatch(a -> a instanceof Action.Launch);
        }
        switch (end.phase()) {
            case SUCCEEDED -> {
                assertThat(fleet.acknowledgedWeights).as("split by instance count again").isEmpty();
                assertThat(fleet.runningWeb()).hasSize(newCount);
                assertThat(fleet.runningWeb()).allMatch(r -> r.release() == 2 && r.routing() == Routing.ACTIVE);
            }
            case ROLLED_BACK -> {
                assertThat(fleet.acknowledgedWeights).as("the stable release takes all traffic").isEmpty();
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
