package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.json.Json;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.TrafficStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The release command: the first step of every deployment that has one, and the only thing before it succeeds. */
class ReleaseCommandTest {

    private static final String COMMAND = "./bin/migrate";
    private static final Action START = new Action.StartRun("d3-release", 2, COMMAND);
    private static final Action STOP = new Action.StopRun("d3-release");

    static List<String> strategies() {
        return List.copyOf(DeployPolicy.STRATEGIES);
    }

    private static SimulatedFleet fleet(int old, SimulatedFleet.RunScript release) {
        SimulatedFleet fleet = new SimulatedFleet(21, 1, 2);
        for (int i = 1; i <= old; i++) {
            fleet.running("old-" + i, 1);
        }
        fleet.release = release;
        return fleet;
    }

    private static RolloutSpec spec(DeployPolicy p, int old, int now, String release) {
        ReleaseShape stable = old == 0 ? ReleaseShape.none() : new ReleaseShape(1, Map.of("web", old));
        return new RolloutSpec(new ReleaseShape(2, Map.of("web", now)), stable, p, release);
    }

    private static RolloutSpec spec(String strategy, int old, int now) {
        return spec(policy(strategy), old, now, COMMAND);
    }

    /** Every strategy with a short program, so a run reaches its end quickly. */
    private static DeployPolicy policy(String strategy) {
        List<TrafficStep> steps = switch (strategy) {
            case DeployPolicy.CANARY -> DeployPolicy.canary(20, Duration.ofSeconds(3));
            case DeployPolicy.LINEAR -> DeployPolicy.linear(50, Duration.ofSeconds(2));
            case DeployPolicy.STEPS -> List.of(new TrafficStep.SetWeight(30), new TrafficStep.Pause(Duration.ofSeconds(2)));
            default -> List.of();
        };
        return StrategiesTest.policy(strategy, DeployPolicy.Batch.ONE, true, false, Duration.ZERO, steps, null);
    }

    private static RolloutState run(SimulatedFleet fleet, RolloutSpec spec) {
        return fleet.run(spec, RolloutState.start(3, fleet.now), 500, Integer.MAX_VALUE, 0);
    }

    private static List<Action> withoutRuns(List<Action> actions) {
        return actions.stream().filter(a -> !(a instanceof Action.StartRun || a instanceof Action.StopRun)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void theReleaseCommandRunsFirstAndAloneWhateverTheStrategy(String strategy) {
        SimulatedFleet fleet = fleet(2, SimulatedFleet.RunScript.exits(0, 3));
        RolloutSpec spec = spec(strategy, 2, 2);

        Plan first = Planner.plan(spec, RolloutState.start(3, fleet.now), List.copyOf(fleet.store.values()),
                fleet.observe(false));

        assertThat(first.actions()).containsExactly(START);
        assertThat(first.events()).containsExactly("running release command: ./bin/migrate");
        assertThat(first.next().step()).isEqualTo(new Step.AwaitRelease("d3-release", fleet.now,
                fleet.now.plus(spec.deadline())));

        RolloutState end = run(fleet, spec);
        assertThat(fleet.violations).as("nothing but the run before it exited 0").isEmpty();
        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.runsStarted).containsOnlyKeys("d3-release");
        assertThat(fleet.runsWanted).as("the run is let go once it exited").isEmpty();
        assertThat(fleet.runningWeb()).hasSize(2).allMatch(r -> r.release() == 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void aFirstDeploymentRunsItFirstToo(String strategy) {
        SimulatedFleet fleet = fleet(0, SimulatedFleet.RunScript.exits(0, 2));

        RolloutState end = run(fleet, spec(strategy, 0, 2));

        assertThat(fleet.actions.getFirst()).isEqualTo(START);
        assertThat(fleet.violations).isEmpty();
        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.runningWeb()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void onceItExitedZeroTheDeploymentGoesOnExactlyAsOneWithoutACommand(String strategy) {
        SimulatedFleet without = fleet(2, null);
        RolloutState plain = run(without, spec(policy(strategy), 2, 2, null));
        SimulatedFleet with = fleet(2, SimulatedFleet.RunScript.exits(0, 4));
        RolloutState released = run(with, spec(strategy, 2, 2));

        assertThat(plain.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(released.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(with.actions.subList(0, 2)).as("started, then let go once it exited").containsExactly(START, STOP);
        assertThat(withoutRuns(with.actions)).isEqualTo(without.actions);
    }

    @Test
    void theExitIsRecordedWithHowLongItRan() {
        SimulatedFleet fleet = fleet(1, SimulatedFleet.RunScript.exits(0, 2));
        RolloutSpec spec = spec(DeployPolicy.ROLLING, 1, 1);
        RolloutState state = RolloutState.start(3, fleet.now);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Plan plan = fleet.tick(spec, state);
            events.addAll(plan.events());
            state = plan.next();
        }
        assertThat(events).startsWith("running release command: ./bin/migrate", "release command exited 0 after 2.0s",
                "launched d3-web-1 (v2 web)");
        assertThat(state.releaseDone()).isTrue();
    }

    @Test
    void aNonZeroExitRollsBackWithNothingLaunchedAndNoTrafficMoved() {
        SimulatedFleet fleet = fleet(2, SimulatedFleet.RunScript.exits(3, 2));

        RolloutState end = run(fleet, spec(DeployPolicy.CANARY, 2, 2));

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.RELEASE_COMMAND);
        assertThat(end.failure().message()).isEqualTo("release command exited 3 after 2.0s");
        assertThat(end.failure().instance()).as("names the run, whose output is the evidence").isEqualTo("d3-release");
        assertThat(fleet.actions).containsExactly(START, STOP);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("old-1", "old-2");
        assertThat(fleet.acknowledgedWeights).isEmpty();
        assertThat(fleet.runsWanted).isEmpty();
    }

    @Test
    void aLostRunOrOneThatCannotStartFailsTheDeploymentToo() {
        SimulatedFleet lost = fleet(1, SimulatedFleet.RunScript.lost(2));
        RolloutState a = run(lost, spec(DeployPolicy.ROLLING, 1, 1));
        SimulatedFleet broken = fleet(1, SimulatedFleet.RunScript.cannotStart());
        RolloutState b = run(broken, spec(DeployPolicy.ROLLING, 1, 1));

        assertThat(a.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(a.failure().message()).isEqualTo("release command was lost: gone without an exit code");
        assertThat(b.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(b.failure().message()).isEqualTo("release command could not be started: build missing");
        assertThat(withoutRuns(lost.actions)).isEmpty();
        assertThat(withoutRuns(broken.actions)).isEmpty();
    }

    @Test
    void aCommandStillRunningAtTheStepDeadlineIsStoppedAndTheDeploymentRollsBack() {
        SimulatedFleet fleet = fleet(2, SimulatedFleet.RunScript.hangs());
        RolloutSpec spec = spec(DeployPolicy.ROLLING, 2, 2);
        List<String> events = new ArrayList<>();
        RolloutState state = RolloutState.start(3, fleet.now);
        for (int i = 0; i < 100 && !state.phase().finished(); i++) {
            Plan plan = fleet.tick(spec, state);
            events.addAll(plan.events());
            state = plan.next();
        }

        assertThat(state.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(state.failure().message()).isEqualTo("release command did not finish within 30.0s");
        assertThat(fleet.tick).as("not long after the 30s deadline").isLessThan(35);
        assertThat(fleet.actions).containsExactly(START, STOP);
        assertThat(events).contains("stopping the release command (TERM, then KILL after 10.0s)",
                "nothing of v2 was started and no traffic moved: nothing to undo", "rolled back: v1 is serving");
        assertThat(fleet.runsWanted).isEmpty();
    }

    @Test
    void aFailedFirstDeploymentEndsFailedWithNothingStarted() {
        SimulatedFleet fleet = fleet(0, SimulatedFleet.RunScript.exits(1, 1));

        RolloutState end = run(fleet, spec(DeployPolicy.BLUE_GREEN, 0, 2));

        assertThat(end.phase()).isEqualTo(Phase.FAILED);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.RELEASE_COMMAND);
        assertThat(fleet.actions).containsExactly(START, STOP);
        assertThat(fleet.store).isEmpty();
    }

    @Test
    void anAbortDuringTheRunStopsItAndRollsBack() {
        SimulatedFleet fleet = fleet(2, SimulatedFleet.RunScript.exits(0, 50));

        RolloutState end = fleet.run(spec(DeployPolicy.ROLLING, 2, 2), RolloutState.start(3, fleet.now), 100, 5, 2);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.ABORTED);
        assertThat(end.failure().instance()).isEqualTo("d3-release");
        assertThat(fleet.actions).containsExactly(START, STOP);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runsWanted).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(2);
    }

    @Test
    void aControllerThatCrashesAfterActingAndBeforeSavingAsksForTheSameRunAndNeverStartsASecondOne() {
        SimulatedFleet fleet = fleet(1, SimulatedFleet.RunScript.exits(0, 3));
        RolloutSpec spec = spec(DeployPolicy.ROLLING, 1, 1);
        RolloutState saved = RolloutState.start(3, fleet.now);
        for (int i = 0; i < 200 && !saved.phase().finished(); i++) {
            Plan plan = Planner.plan(spec, saved, List.copyOf(fleet.store.values()), fleet.observe(false));
            fleet.apply(plan, spec);
            // the first ticks, and then every third one, "crash" after acting: the state saved is the old one
            if (i >= 3 && i % 3 != 2) {
                saved = plan.next();
            }
            fleet.advance();
        }

        assertThat(saved.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.actions.stream().filter(a -> a instanceof Action.StartRun).toList())
                .as("asked for again, always the same run").hasSizeGreaterThan(1).containsOnly(START);
        assertThat(fleet.runsStarted).containsOnlyKeys("d3-release");
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).hasSize(1).allMatch(r -> r.release() == 2);
    }

    @Test
    void withAutoRollbackOffAFailedCommandWaitsThenPromoteGoesOnWithoutRunningItAgain() {
        SimulatedFleet fleet = fleet(2, SimulatedFleet.RunScript.exits(2, 1));
        fleet.requestsPerTick = 100;
        DeployPolicy canary = StrategiesTest.policy(DeployPolicy.CANARY, DeployPolicy.Batch.ONE, true, false,
                Duration.ZERO, DeployPolicy.canary(20, Duration.ofSeconds(5)), null);
        DeployPolicy p = new DeployPolicy(canary.strategy(), canary.stopTimeout(), canary.deadline(),
                canary.minHealthyTime(), false, canary.batch(), canary.surge(), canary.preview(), canary.approval(),
                canary.keepOld(), canary.steps(), canary.analysis(), canary.watch());
        RolloutSpec spec = spec(p, 2, 2, COMMAND);
        RolloutState state = RolloutState.start(3, fleet.now);
        for (int i = 0; i < 60; i++) {
            state = fleet.tick(spec, state).next();
        }
        assertThat(state.phase()).isEqualTo(Phase.RUNNING);
        assertThat(state.failure().reason()).isEqualTo(FailureReason.RELEASE_COMMAND);
        assertThat(state.step()).isInstanceOf(Step.Bake.class);
        assertThat(fleet.actions).containsExactly(START, STOP);

        fleet.promotions = 1;
        fleet.wentOnPastRelease = true; // a person's choice: "nothing before exit 0" holds no more
        List<Map<Integer, Integer>> splits = new ArrayList<>();
        for (int i = 0; i < 300 && !state.phase().finished(); i++) {
            state = fleet.tick(spec, state).next();
            if (splits.isEmpty() || !splits.getLast().equals(fleet.acknowledgedWeights)) {
                splits.add(fleet.acknowledgedWeights);
            }
        }
        assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(state.failure()).isNull();
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.actions.stream().filter(a -> a instanceof Action.StartRun).count()).isEqualTo(1);
        assertThat(splits).as("the program starts at its first step")
                .containsSubsequence(Map.of(2, 20, 1, 80), Map.of(2, 100, 1, 0));
    }

    @Test
    void aPauseStopsTheDeadlineOfTheRunButNotTheRun() {
        SimulatedFleet fleet = fleet(1, SimulatedFleet.RunScript.exits(0, 60));
        RolloutSpec spec = spec(DeployPolicy.ROLLING, 1, 1);
        RolloutState state = RolloutState.start(3, fleet.now);
        for (int i = 0; i < 120 && !state.phase().finished(); i++) {
            fleet.paused = i >= 2 && i < 50; // paused for far longer than the 30s deadline
            state = fleet.tick(spec, state).next();
        }
        assertThat(state.phase()).as("it exited 0 after 60s, within its 30s deadline once the pause is taken out")
                .isEqualTo(Phase.SUCCEEDED);
        assertThat(state.failure()).isNull();
    }

    @Test
    void theStateWaitingOnARunIsSavedAndReadBackAsItWas() throws Exception {
        SimulatedFleet fleet = fleet(1, SimulatedFleet.RunScript.exits(0, 3));
        RolloutSpec spec = spec(DeployPolicy.ROLLING, 1, 1);
        Plan plan = Planner.plan(spec, RolloutState.start(3, fleet.now), List.copyOf(fleet.store.values()),
                fleet.observe(false));

        String json = Json.mapper().writeValueAsString(plan.next());
        RolloutState back = Json.mapper().readValue(json, RolloutState.class);

        assertThat(json).contains("\"kind\":\"await-release\"").doesNotContain("releaseRunId");
        assertThat(back).isEqualTo(plan.next());
        RolloutState released = back.released(fleet.now);
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(released), RolloutState.class))
                .isEqualTo(released);
    }
}
