package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.manifest.DeployPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cutover scale}: a deployment of the serving release to other instance counts. */
class ScalingTest {

    private static final DeployPolicy POLICY = new RolloutSpec(ReleaseShape.none(), ReleaseShape.none(),
            Duration.ofSeconds(30), Duration.ofSeconds(20)).policy().forScaling();

    private static RolloutSpec scale(int release, Map<String, Integer> from, Map<String, Integer> to) {
        return new RolloutSpec(new ReleaseShape(release, to), new ReleaseShape(release, from), POLICY, null);
    }

    @Test
    void scalingUpStartsTheMissingInstancesAtOnceAndTouchesNoneOfTheRunningOnes() {
        SimulatedFleet fleet = new SimulatedFleet(1, 1, 2);
        fleet.running("d1-web-1", 1);
        fleet.running("d1-web-2", 1);

        RolloutState end = fleet.run(scale(1, Map.of("web", 2), Map.of("web", 5)), RolloutState.start(3, fleet.now),
                200, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id)
                .containsExactlyInAnyOrder("d1-web-1", "d1-web-2", "d3-web-1", "d3-web-2", "d3-web-3");
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::routing).containsOnly(Routing.ACTIVE);
        assertThat(RollingTest.kinds(fleet.actions)).containsExactly("launch d3-web-1", "launch d3-web-2",
                "launch d3-web-3", "route d3-web-1 ACTIVE", "route d3-web-2 ACTIVE", "route d3-web-3 ACTIVE");
        assertThat(fleet.events).last().isEqualTo("v1 runs web 5");
    }

    @Test
    void scalingDownDrainsTheNewestInstancesBeforeStoppingThem() {
        SimulatedFleet fleet = new SimulatedFleet(2, 1, 2);
        for (int i = 1; i <= 4; i++) {
            fleet.running("d1-web-" + i, 1);
        }

        RolloutState end = fleet.run(scale(1, Map.of("web", 4), Map.of("web", 1)), RolloutState.start(3, fleet.now),
                200, Integer.MAX_VALUE, 1);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).as("no stop signal while the router still sent it requests").isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("d1-web-1");
        assertThat(RollingTest.kinds(fleet.actions)).containsExactly("route d1-web-2 DRAINING",
                "route d1-web-3 DRAINING", "route d1-web-4 DRAINING", "stop d1-web-2", "stop d1-web-3",
                "stop d1-web-4");
    }

    @Test
    void aScaleInAbortedWhileItsInstancesDrainRoutesThemAgainInsteadOfStartingNewOnes() {
        SimulatedFleet fleet = new SimulatedFleet(2, 1, 2);
        for (int i = 1; i <= 4; i++) {
            fleet.running("d1-web-" + i, 1);
        }

        RolloutState end = fleet.run(scale(1, Map.of("web", 4), Map.of("web", 0)), RolloutState.start(3, fleet.now),
                200, 1, 0);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id)
                .containsExactlyInAnyOrder("d1-web-1", "d1-web-2", "d1-web-3", "d1-web-4");
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::routing).containsOnly(Routing.ACTIVE);
        assertThat(RollingTest.kinds(fleet.actions)).containsExactly("route d1-web-1 DRAINING",
                "route d1-web-2 DRAINING", "route d1-web-3 DRAINING", "route d1-web-4 DRAINING",
                "route d1-web-1 ACTIVE", "route d1-web-2 ACTIVE", "route d1-web-3 ACTIVE", "route d1-web-4 ACTIVE");
        assertThat(fleet.events).contains("routing d1-web-1, d1-web-2, d1-web-3, d1-web-4 (v1) again: they were "
                + "draining, and the rollback keeps them");
    }

    @Test
    void aScaleUpWhoseNewInstancesNeverBecomeHealthyGoesBackToTheOldCountAndKeepsTheRunningOnes() {
        SimulatedFleet fleet = new SimulatedFleet(3, 1, 2);
        fleet.running("d1-web-1", 1);
        fleet.running("d1-web-2", 1);
        fleet.badReleases.add(1); // what starts now fails its probes, e.g. a database that takes no more connections

        RolloutState end = fleet.run(scale(1, Map.of("web", 2), Map.of("web", 4)), RolloutState.start(3, fleet.now),
                200, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.UNHEALTHY);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("d1-web-1", "d1-web-2");
        assertThat(fleet.events).last().isEqualTo("rolled back: v1 runs web 2");
    }

    @Test
    void aWorkerScaledInIsGoneBeforeTheScaleEndsSoThatASingletonNeverRunsTwice() {
        SimulatedFleet fleet = new SimulatedFleet(6, 1, 2);
        fleet.running("d1-web-1", 1);
        fleet.runningWorker("d1-worker-1", 1);
        fleet.exitTicks = 3; // it takes 3 s to stop

        RolloutState down = fleet.run(scale(1, Map.of("web", 1, "worker", 1), Map.of("web", 1, "worker", 0)),
                RolloutState.start(3, fleet.now), 200, Integer.MAX_VALUE, 1);

        assertThat(down.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.agent.get("d1-worker-1").phase().alive()).as("exited when the scale ends").isFalse();
        RolloutState up = fleet.run(scale(1, Map.of("web", 1, "worker", 0), Map.of("web", 1, "worker", 1)),
                RolloutState.start(4, fleet.now), 200, Integer.MAX_VALUE, 1);
        assertThat(up.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void aWorkerStillStoppingFromAnEarlierScaleHoldsBackTheNextStart() {
        SimulatedFleet fleet = new SimulatedFleet(7, 1, 2);
        fleet.running("d1-web-1", 1);
        fleet.runningWorker("d1-worker-1", 1);
        fleet.exitTicks = 5;
        // the scale-in's stop went out, and the scale that follows begins while the process still exits
        fleet.apply(new Plan(RolloutState.start(3, fleet.now), List.of(new Action.Stop("d1-worker-1")), List.of()),
                scale(1, Map.of("web", 1, "worker", 1), Map.of("web", 1, "worker", 0)));

        RolloutState up = fleet.run(scale(1, Map.of("web", 1, "worker", 0), Map.of("web", 1, "worker", 1)),
                RolloutState.start(4, fleet.now), 200, Integer.MAX_VALUE, 1);

        assertThat(up.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void workersAreScaledWithoutTouchingWeb() {
        SimulatedFleet fleet = new SimulatedFleet(4, 1, 2);
        fleet.running("d1-web-1", 1);
        fleet.running("d1-web-2", 1);

        RolloutState end = fleet.run(scale(1, Map.of("web", 2, "worker", 0), Map.of("web", 2, "worker", 2)),
                RolloutState.start(3, fleet.now), 200, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(RollingTest.kinds(fleet.actions)).containsExactly("launch d3-worker-1", "launch d3-worker-2");
        assertThat(fleet.events).last().isEqualTo("v1 runs web 2, worker 2");
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("d1-web-1", "d1-web-2");
    }
}
