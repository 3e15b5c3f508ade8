package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.manifest.Analysis;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.manifest.DeployPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a restart of {@code cutover server} (the controller, and with it the router and the agent) does to a
 * deployment in progress: the router comes back with its counts at zero, and nothing watched the instances while
 * the server was down.
 */
class RestartTest {

    @Test
    void anInstanceWatchedAgainOnlyAfterARestartLongerThanItsDeadlineGetsItsDeadlineAgain() {
        SimulatedFleet fleet = new SimulatedFleet(22, 0, 2);
        fleet.running("old-1", 1);
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", 1)), new ReleaseShape(1, Map.of("web", 1)),
                Duration.ofSeconds(10), Duration.ofSeconds(20));
        Plan launch = Planner.plan(spec, RolloutState.start(6, fleet.now), fleet.wanted(), fleet.observe(false));
        fleet.apply(launch, spec);
        assertThat(launch.next().step()).isInstanceOf(Step.AwaitReady.class);
        // the server is down for 30s, longer than the deadline; its agent comes back and probes the instance again
        for (int i = 0; i < 30; i++) {
            fleet.advance();
        }
        fleet.agent.put("d6-web-1", new Observation(InstancePhase.STARTING, "adopted: pid 4242 after an agent restart",
                List.of()));

        RolloutState end = fleet.run(spec, launch.next().restarted(fleet.now), 100, Integer.MAX_VALUE, 1);

        assertThat(end.phase()).as(String.valueOf(end.failure())).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("d6-web-1");
    }

    @Test
    void aCanaryComparedWithTheStableGroupStillPassesWhenTheRouterRestartsMidBake() {
        SimulatedFleet fleet = new SimulatedFleet(21, 1, 2);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        fleet.requestsPerTick = 100;
        // both releases answer 10% errors: the candidate is no worse than the stable release
        fleet.errorRates.put(1, 0.1);
        fleet.errorRates.put(2, 0.1);
        Analysis compared = new Analysis(0.05, null, true, 20, Analysis.Inconclusive.WAIT);
        DeployPolicy policy = StrategiesTest.policy(DeployPolicy.CANARY, DeployPolicy.Batch.ONE, true, false,
                Duration.ZERO, DeployPolicy.canary(20, Duration.ofSeconds(30)), compared);
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", 2)), new ReleaseShape(1, Map.of("web", 2)),
                policy);
        RolloutState state = RolloutState.start(4, fleet.now);
        int baked = 0;
        for (int i = 0; i < 300 && !state.phase().finished(); i++) {
            Plan plan = Planner.plan(spec, state, fleet.wanted(), fleet.observe(false));
            fleet.apply(plan, spec);
            state = plan.next();
            if (state.step() instanceof Step.Bake && ++baked == 10) {
                fleet.restartRouter();
            }
            fleet.advance();
        }

        assertThat(baked).as("restarted mid-bake").isGreaterThan(10);
        assertThat(state.phase()).as(String.valueOf(state.failure())).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(2).hasSize(2);
    }
}
