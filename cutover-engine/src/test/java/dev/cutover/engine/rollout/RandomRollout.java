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
 * @param releaseKind the release command: 0 none; then one that exits 0, exits 3, is lost, cannot start, or never
 *                    ends
 * @param releaseTicks how long the release command runs before it exits or is lost
 */
record RandomRollout(String strategy, int oldCount, int newCount, int ackDelay, int startTicks, boolean newReleaseBad,
        int batch, boolean surge, Duration deadline, Analysis analysis, long seed, int releaseKind, int releaseTicks) {

    /** Without a release command. */
    RandomRollout(String strategy, int oldCount, int newCount, int ackDelay, int startTicks, boolean newReleaseBad,
            int batch, boolean surge, Duration deadline, Analysis analysis, long seed) {
        this(strategy, oldCount, newCount, ackDelay, startTicks, newReleaseBad, batch, surge, deadline, analysis, seed,
                0, 1);
    }

    /**
     * Every strategy; fleets of 0 to 6 instances before and after; acknowledgements 0 to 3 ticks late; instances that
     * start within 1 to 8 ticks, or never pass their health check; batches of 1 to 3, with or without surge; bakes
     * judged by {@code analysis} or not at all; with or without a release command, which may fail in every way.
     */
    static Arbitrary<RandomRollout> any(Duration deadline, Analysis analysis) {
        Arbitrary<Integer> count = Arbitraries.integers().between(0, 6);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        Arbitrary<RandomRollout> shapes = Combinators.combine(Arbitraries.of(DeployPolicy.STRATEGIES), count, count,
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 8), flag,
                Arbitraries.integers().between(1, 3), flag).as((strategy, oldCount, newCount, ackDelay, startTicks,
                        bad, batch, surge) -> new RandomRollout(strategy, oldCount, newCount, ackDelay, startTicks, bad,
                        batch, surge, deadline, null, 0, 0, 1));
        return Combinators.combine(shapes, flag, Arbitraries.longs(), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 8)).as((r, judged, seed, releaseKind, releaseTicks) ->
                new RandomRollout(r.strategy, r.oldCount, r.newCount, r.ackDelay, r.startTicks, r.newReleaseBad,
                        r.batch, r.surge, deadline, judged ? analysis : null, seed, releaseKind, releaseTicks));
    }

    /** The fleet as v1 left it. */
    SimulatedFleet fleet() {
        SimulatedFleet fleet = new SimulatedFleet(seed, ackDelay, startTicks);
        for (int i = 1; i <= oldCount; i++) {
            fleet.running("old-" + i, 1);
        }
        // processes take 0 to 2 ticks to exit after their stop signal
        fleet.exitTicks = Math.floorMod(seed, 3);
        if (withWorker()) {
            fleet.store.put("old-w", new InstanceRecord("old-w", 1, "worker", true, Routing.NONE));
            fleet.agent.put("old-w", new Observation(dev.cutover.model.agent.InstancePhase.RUNNING, "running",
                    List.of()));
        }
        if (newReleaseBad) {
            fleet.badReleases.add(2);
        }
        fleet.release = switch (releaseKind) {
            case 1 -> SimulatedFleet.RunScript.exits(0, releaseTicks);
            case 2 -> SimulatedFleet.RunScript.exits(3, releaseTicks);
            case 3 -> SimulatedFleet.RunScript.lost(releaseTicks);
            case 4 -> SimulatedFleet.RunScript.cannotStart();
            default -> SimulatedFleet.RunScript.hangs();
        };
        return fleet;
    }

    /** Whether both releases also run a singleton worker ({@code overlap: never}), in one run of four. */
    boolean withWorker() {
        return oldCount > 0 && Math.floorMod(seed >> 2, 4) == 0;
    }

    /** Whether the release command fails (or never ends), so that the deployment must not succeed. */
    boolean releaseFails() {
        return releaseKind >= 2;
    }

    RolloutSpec spec() {
        ReleaseShape stable = oldCount == 0 ? ReleaseShape.none() : new ReleaseShape(1, withWorker()
                ? Map.of("web", oldCount, "worker", 1) : Map.of("web", oldCount));
        List<TrafficStep> steps = switch (strategy) {
            case DeployPolicy.CANARY -> DeployPolicy.canary(20, Duration.ofSeconds(5));
            case DeployPolicy.LINEAR -> DeployPolicy.linear(25, Duration.ofSeconds(3));
            case DeployPolicy.STEPS -> List.of(new TrafficStep.SetWeight(30), new TrafficStep.Pause(Duration.ofSeconds(2)));
            default -> List.of();
        };
        DeployPolicy policy = new DeployPolicy(strategy, Duration.ofSeconds(5), deadline, Duration.ZERO,
                true, new DeployPolicy.Batch(batch, 0), surge, true, false,
                strategy.equals(DeployPolicy.BLUE_GREEN) ? Duration.ofSeconds(5) : Duration.ZERO, steps, analysis,
                DeployPolicy.DEFAULT_WATCH);
        return new RolloutSpec(new ReleaseShape(2, withWorker() ? Map.of("web", newCount, "worker", 1)
                : Map.of("web", newCount)), stable, policy, releaseKind == 0 ? null : "./bin/migrate");
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
     * instance count; rolled back, exactly the old ones; failed, none. Nothing else is left running. The release
     * command ran at most once, is no longer wanted, and when it failed nothing of the new release was launched.
     */
    void assertEndsConsistent(SimulatedFleet fleet, RolloutState end) {
        assertThat(end.phase().finished()).as("finished").isTrue();
        assertThat(fleet.runsStarted).hasSizeLessThanOrEqualTo(releaseKind == 0 ? 0 : 1);
        assertThat(fleet.runsWanted).as("no run left wanted once the deployment ended").isEmpty();
        if (releaseFails()) {
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
        if (withWorker() && end.phase() != Phase.FAILED) {
            int release = end.phase() == Phase.SUCCEEDED ? 2 : 1;
            assertThat(fleet.store.values()).as("the one worker wanted, of the release that serves")
                    .filteredOn(r -> r.running() && r.type().equals("worker")).singleElement()
                    .satisfies(r -> assertThat(r.release()).isEqualTo(release));
        }
        if (newReleaseBad && newCount > 0) {
            assertThat(end.phase()).isNotEqualTo(Phase.SUCCEEDED);
        }
    }
}
