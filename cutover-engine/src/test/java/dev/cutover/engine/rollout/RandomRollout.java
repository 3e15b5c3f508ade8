package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.manifest.Analysis;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.TrafficStep;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A deployment drawn at random for the property tests: v1 with {@code oldCount} instances replaced by v2 with
 * {@code newCount}, by {@code strategy}, on a fleet whose instances start within {@code startTicks} and whose router
 * acknowledges {@code ackDelay} ticks late. The shifting strategies bake for a few seconds.
 *
 * @param newReleaseBad v2 never passes its health check
 * @param analysis how bakes are judged; null for no judgement
 */
record RandomRollout(String strategy, int oldCount, int newCount, int ackDelay, int startTicks, boolean newReleaseBad,
        int batch, boolean surge, Duration deadline, Analysis analysis, long seed) {

    /**
     * Every strategy; fleets of 0 to 6 instances before and after; acknowledgements 0 to 3 ticks late; instances that
     * start within 1 to 8 ticks, or never pass their health check; batches of 1 to 3, with or without surge; bakes
     * judged by {@code analysis} or not at all.
     */
    static Arbitrary<RandomRollout> any(Duration deadline, Analysis analysis) {
        Arbitrary<Integer> count = Arbitraries.integers().between(0, 6);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        Arbitrary<RandomRollout> shapes = Combinators.combine(Arbitraries.of(DeployPolicy.STRATEGIES), count, count,
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 8), flag,
                Arbitraries.integers().between(1, 3), flag).as((strategy, oldCount, newCount, ackDelay, startTicks,
                        bad, batch, surge) -> new RandomRollout(strategy, oldCount, newCount, ackDelay, startTicks, bad,
                        batch, surge, deadline, null, 0));
        return Combinators.combine(shapes, flag, Arbitraries.longs()).as((r, judged, seed) -> new RandomRollout(
                r.strategy, r.oldCount, r.newCount, r.ackDelay, r.startTicks, r.newReleaseBad, r.batch, r.surge,
                deadline, judged ? analysis : null, seed));
    }

    /** The fleet as v1 left it. */
    SimulatedFleet fleet() {
        SimulatedFleet fleet = new SimulatedFleet(seed, ackDelay, startTicks);
        for (int i = 1; i <= oldCount; i++) {
            fleet.running("old-" + i, 1);
        }
        if (newReleaseBad) {
            fleet.badReleases.add(2);
        }
        return fleet;
    }

    RolloutSpec spec() {
        ReleaseShape stable = oldCount == 0 ? ReleaseShape.none() : new ReleaseShape(1, Map.of("web", oldCount));
        List<TrafficStep> steps = switch (strategy) {
            case DeployPolicy.CANARY -> DeployPolicy.canary(20, Duration.ofSeconds(5));
            case DeployPolicy.LINEAR -> DeployPolicy.linear(25, Duration.ofSeconds(3));
            case DeployPolicy.STEPS -> List.of(new TrafficStep.SetWeight(30), new TrafficStep.Pause(Duration.ofSeconds(2)));
            default -> List.of();
        };
        DeployPolicy policy = new DeployPolicy(strategy, Duration.ofSeconds(5), deadline, Duration.ZERO,
                true, new DeployPolicy.Batch(batch, 0), surge, true, false,
                strategy.equals(DeployPolicy.BLUE_GREEN) ? Duration.ofSeconds(5) : Duration.ZERO, steps, analysis);
        return new RolloutSpec(new ReleaseShape(2, Map.of("web", newCount)), stable, policy);
    }

    /** The fewest instances the strategy promises keep taking traffic. */
    int capacityFloor() {
        boolean capacityDrops = strategy.equals(DeployPolicy.ALL_AT_ONCE)
                || strategy.equals(DeployPolicy.ROLLING) && !surge;
        return strategy.equals(DeployPolicy.ALL_AT_ONCE) ? 0
                : Math.max(0, Math.min(oldCount, newCount) - (capacityDrops ? batch : 0));
    }

    /**
     * The world is what the final phase promises: succeeded, exactly the new instances, all routed, split by
     * instance count; rolled back, exactly the old ones; failed, none. Nothing else is left running.
     */
    void assertEndsConsistent(SimulatedFleet fleet, RolloutState end) {
        assertThat(end.phase().finished()).as("finished").isTrue();
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
