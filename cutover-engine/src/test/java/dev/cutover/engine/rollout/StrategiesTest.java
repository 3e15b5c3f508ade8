package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.manifest.Analysis;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.TrafficStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrategiesTest {

    static DeployPolicy policy(String strategy, DeployPolicy.Batch batch, boolean surge, boolean approval,
            Duration keepOld, List<TrafficStep> steps, Analysis analysis) {
        return new DeployPolicy(strategy, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ZERO, true, batch,
                surge, true, approval, keepOld, steps, analysis, DeployPolicy.DEFAULT_WATCH);
    }

    static DeployPolicy simple(String strategy) {
        return policy(strategy, DeployPolicy.Batch.ONE, true, false, Duration.ZERO, List.of(), null);
    }

    private static SimulatedFleet fleetWith(int old) {
        SimulatedFleet fleet = new SimulatedFleet(11, 1, 2);
        for (int i = 1; i <= old; i++) {
            fleet.running("old-" + i, 1);
        }
        fleet.requestsPerTick = 200;
        return fleet;
    }

    private static RolloutSpec spec(DeployPolicy p, int old, int now) {
        return new RolloutSpec(new ReleaseShape(2, Map.of("web", now)), new ReleaseShape(1, Map.of("web", old)), p);
    }

    /** Runs to the end, recording each traffic split the router acknowledged. */
    private static RolloutState run(SimulatedFleet fleet, RolloutSpec spec, List<Map<Integer, Integer>> splits,
            int floor) {
        return run(fleet, spec, splits, floor, new ArrayList<>());
    }

    /** Runs to the end, recording each acknowledged traffic split and every event. */
    private static RolloutState run(SimulatedFleet fleet, RolloutSpec spec, List<Map<Integer, Integer>> splits,
            int floor, List<String> events) {
        RolloutState state = RolloutState.start(3, fleet.now);
        for (int i = 0; i < 5000 && !state.phase().finished(); i++) {
            Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
            events.addAll(plan.events());
            fleet.apply(plan, spec);
            state = plan.next();
            fleet.advance();
            if (splits.isEmpty() || !splits.getLast().equals(fleet.acknowledgedWeights)) {
                splits.add(fleet.acknowledgedWeights);
            }
            if (fleet.routedActive() < floor) {
                fleet.violations.add("tick " + fleet.tick + ": capacity " + fleet.routedActive() + " < " + floor);
            }
        }
        return state;
    }

    @Test
    void aDeadlineThatEndsWhileTheInstancesAreHealthyButNotYetForMinHealthyTimeSaysSo() {
        DeployPolicy p = new DeployPolicy(DeployPolicy.ROLLING, Duration.ofSeconds(10), Duration.ofSeconds(8),
                Duration.ofSeconds(30), true, DeployPolicy.Batch.ONE, true, true, false, Duration.ZERO, List.of(), null,
                Duration.ZERO);
        RolloutState end = run(fleetWith(2), spec(p, 2, 2), new ArrayList<>(), 0);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().message()).matches("d3-web-1 healthy for \\d+\\.\\ds of the 30\\.0s "
                + "deploy.min-healthy-time asks when deploy.deadline \\(8\\.0s from launch\\) ran out: make "
                + "min-healthy-time shorter than the deadline, less the time the app takes to become healthy")
                .doesNotContain("did not become healthy");
    }

    @Test
    void canaryMovesTenPercentBakesThenEverything() {
        SimulatedFleet fleet = fleetWith(2);
        DeployPolicy p = policy(DeployPolicy.CANARY, DeployPolicy.Batch.ONE, true, false, Duration.ZERO,
                DeployPolicy.canary(10, Duration.ofSeconds(20)), null);
        List<Map<Integer, Integer>> splits = new ArrayList<>();

        RolloutState end = run(fleet, spec(p, 2, 2), splits, 2);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(splits).containsSubsequence(Map.of(1, 100, 2, 0), Map.of(2, 10, 1, 90), Map.of(2, 100, 1, 0), Map.of());
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(2).hasSize(2);
        assertThat(fleet.serving).isEqualTo(2);
    }

    @Test
    void aCanaryWhoseCandidateAnswersTwentyPercentErrorsIsRolledBackByAnalysis() {
        RolloutState end = aCanaryAnsweringTwentyPercentErrors(
                new Analysis(0.01, null, false, 50, Analysis.Inconclusive.WAIT), 0, new ArrayList<>());

        assertThat(end.failure().message()).contains("5xx rate 20.0% is above the limit of 1.0%");
    }

    @Test
    void aCanaryWithoutAnAnalysisIsGuardedAgainstAPlainlyBrokenCandidate() {
        List<String> events = new ArrayList<>();
        RolloutState end = aCanaryAnsweringTwentyPercentErrors(null, 0.02, events);

        assertThat(events).anyMatch(e -> e.startsWith("baking for 300.0s; analysing (the default; deploy.analysis "
                + "chooses): 5xx rate at most 5%, compared with the stable group"))
                .anyMatch(e -> e.endsWith(" are in the router, at 0% of traffic for now (router acknowledged)"));
        assertThat(end.failure().message()).contains("is above the stable group's");
    }

    /** A 5-minute canary of a candidate answering 20% errors: it fails fast on analysis and leaves v1 as it was. */
    private static RolloutState aCanaryAnsweringTwentyPercentErrors(Analysis analysis, double stableErrorRate,
            List<String> events) {
        SimulatedFleet fleet = fleetWith(2);
        fleet.errorRates.put(1, stableErrorRate);
        fleet.errorRates.put(2, 0.2);
        DeployPolicy p = policy(DeployPolicy.CANARY, DeployPolicy.Batch.ONE, true, false, Duration.ZERO,
                DeployPolicy.canary(20, Duration.ofMinutes(5)), analysis);

        RolloutState end = run(fleet, spec(p, 2, 2), new ArrayList<>(), 2, events);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.ANALYSIS);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.acknowledgedWeights).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(2);
        assertThat(fleet.tick).as("failed fast, long before the 5m bake ended").isLessThan(60);
        return end;
    }

    @Test
    void theDefaultGuardPassesACandidateNoWorseThanTheStableOneAndGoesOnWithoutTrafficSayingSo() {
        SimulatedFleet noisy = fleetWith(2);
        noisy.errorRates.put(1, 0.03);
        noisy.errorRates.put(2, 0.04);
        DeployPolicy p = policy(DeployPolicy.CANARY, DeployPolicy.Batch.ONE, true, false, Duration.ZERO,
                DeployPolicy.canary(20, Duration.ofSeconds(20)), null);
        List<String> events = new ArrayList<>();
        assertThat(run(noisy, spec(p, 2, 2), new ArrayList<>(), 2, events).phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(events).anyMatch(e -> e.startsWith("analysis passed: candidate: "));

        SimulatedFleet quiet = fleetWith(2);
        quiet.requestsPerTick = 0;
        events.clear();
        assertThat(run(quiet, spec(p, 2, 2), new ArrayList<>(), 2, events).phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(events).anyMatch(e -> e.startsWith("not judged, inconclusive: 0 requests, need 100")
                && e.endsWith("; going on"));
    }

    @Test
    void tooLittleTrafficIsNeverAPass() {
        SimulatedFleet fleet = fleetWith(1);
        fleet.requestsPerTick = 1;
        Analysis analysis = new Analysis(0.01, null, false, 1000, Analysis.Inconclusive.FAIL);
        DeployPolicy p = policy(DeployPolicy.CANARY, DeployPolicy.Batch.ONE, true, false, Duration.ZERO,
                DeployPolicy.canary(10, Duration.ofSeconds(10)), analysis);

        RolloutState end = run(fleet, spec(p, 1, 1), new ArrayList<>(), 1);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.INCONCLUSIVE);
        assertThat(end.failure().message()).startsWith("inconclusive: ").contains("need 1000");
    }

    @Test
    void linearMovesInEqualSteps() {
        SimulatedFleet fleet = fleetWith(2);
        DeployPolicy p = policy(DeployPolicy.LINEAR, DeployPolicy.Batch.ONE, true, false, Duration.ZERO,
                DeployPolicy.linear(25, Duration.ofSeconds(5)), null);
        List<Map<Integer, Integer>> splits = new ArrayList<>();

        assertThat(run(fleet, spec(p, 2, 2), splits, 2).phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(splits).containsSubsequence(Map.of(2, 25, 1, 75), Map.of(2, 50, 1, 50), Map.of(2, 75, 1, 25),
                Map.of(2, 100, 1, 0));
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void blueGreenWaitsForApprovalShowsAPreviewAndKeepsTheOldSetWarmForAnInstantRollback() {
        SimulatedFleet fleet = fleetWith(2);
        DeployPolicy p = policy(DeployPolicy.BLUE_GREEN, DeployPolicy.Batch.ONE, true, true, Duration.ofMinutes(10),
                List.of(), null);
        RolloutSpec spec = spec(p, 2, 2);
        RolloutState state = RolloutState.start(5, fleet.now);
        for (int i = 0; i < 60; i++) {
            Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
            fleet.apply(plan, spec);
            state = plan.next();
            fleet.advance();
        }
        assertThat(state.step()).isInstanceOf(Step.Bake.class);
        assertThat(fleet.preview).isEqualTo(2);
        assertThat(fleet.trafficPercent(1)).as("no traffic moves before approval").isEqualTo(100);

        fleet.promotions = 1;
        for (int i = 0; i < 20; i++) {
            Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
            fleet.apply(plan, spec);
            state = plan.next();
            fleet.advance();
        }
        assertThat(state.step()).isInstanceOf(Step.KeepOld.class);
        assertThat(fleet.trafficPercent(2)).isEqualTo(100);
        assertThat(fleet.serving).isEqualTo(2);
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).contains(1, 2).hasSize(4);

        int launchesBefore = (int) fleet.actions.stream().filter(a -> a instanceof Action.Launch).count();
        fleet.abortIsRollback = true; // cutover rollback
        Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(true));
        fleet.apply(plan, spec);
        assertThat(plan.actions()).contains(new Action.SetWeights(Map.of(1, 100, 2, 0)), new Action.MarkServing(1));
        assertThat(plan.next().failure().message()).isEqualTo("rolled back on request (cutover rollback)");
        RolloutState end = fleet.run(spec, plan.next(), 200, 0, 0);
        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(fleet.actions.stream().filter(a -> a instanceof Action.Launch).count()).isEqualTo(launchesBefore);
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(2);
        assertThat(fleet.serving).isEqualTo(1);
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void anAbortWhileNewInstancesStartTellsOfEveryOneItStops() {
        SimulatedFleet fleet = new SimulatedFleet(11, 1, 20); // slow starts: the abort comes while they start
        for (int i = 1; i <= 3; i++) {
            fleet.running("old-" + i, 1);
        }
        RolloutSpec spec = spec(simple(DeployPolicy.ALL_AT_ONCE), 3, 3);
        RolloutState state = RolloutState.start(7, fleet.now);
        while (!(state.step() instanceof Step.AwaitReady)) {
            state = fleet.tick(spec, state).next();
        }
        Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(true));
        List<String> stops = plan.actions().stream().filter(a -> a instanceof Action.Stop)
                .map(a -> ((Action.Stop) a).instance()).toList();

        assertThat(stops).containsExactlyInAnyOrder("d7-web-1", "d7-web-2", "d7-web-3");
        for (String id : stops) {
            assertThat(plan.events()).as(id).contains("stopped " + id + " (v2, never routed)");
        }
    }

    @Test
    void immutableStartsOneNewInstanceFirstThenTheRest() {
        SimulatedFleet fleet = fleetWith(3);
        RolloutState end = run(fleet, spec(simple(DeployPolicy.IMMUTABLE), 3, 3), new ArrayList<>(), 3);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        List<Integer> launchSizes = new ArrayList<>();
        int run = 0;
        for (Action a : fleet.actions) {
            if (a instanceof Action.Launch) {
                run++;
            } else if (run > 0) {
                launchSizes.add(run);
                run = 0;
            }
        }
        assertThat(launchSizes).containsExactly(1, 2);
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void afterTheSwitchTheNewSetIsWatchedWithTheOldOneWarmBeforeTheOldOneDrains() {
        SimulatedFleet fleet = fleetWith(3);
        List<String> events = new ArrayList<>();
        RolloutState end = run(fleet, spec(simple(DeployPolicy.IMMUTABLE), 3, 3), new ArrayList<>(), 3, events);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(events).contains("v2 serves all traffic; watching it for 5.0s with v1 still warm before draining it");
        int watchFrom = events.indexOf("v2 serves all traffic; watching it for 5.0s with v1 still warm before "
                + "draining it");
        assertThat(events.subList(0, watchFrom)).noneMatch(e -> e.startsWith("draining old-"));
    }

    /** Blue-green from v1 to v2, two instances each, without preview or approval. */
    private static RolloutSpec blueGreen(Duration keepOld) {
        return spec(policy(DeployPolicy.BLUE_GREEN, DeployPolicy.Batch.ONE, true, false, keepOld, List.of(), null), 2, 2);
    }

    /** Deployment 3 ticked until traffic has switched and the old set is kept warm. */
    private static RolloutState untilSwitched(SimulatedFleet fleet, RolloutSpec spec) {
        RolloutState state = RolloutState.start(3, fleet.now);
        while (!(state.step() instanceof Step.KeepOld)) {
            state = fleet.tick(spec, state).next();
        }
        return state;
    }

    @Test
    void aKeepOldShorterThanTheWatchLastsAsLongAsTheWatchAndAWatchOfZeroDrainsAtOnce() {
        SimulatedFleet fleet = fleetWith(2);
        RolloutSpec spec = blueGreen(Duration.ofSeconds(2));
        RolloutState state = untilSwitched(fleet, spec);
        Step.KeepOld keepOld = (Step.KeepOld) state.step();
        assertThat(keepOld.until()).isEqualTo(state.switchedAt().plus(DeployPolicy.DEFAULT_WATCH));
        assertThat(keepOld.settling()).isFalse();

        DeployPolicy unwatched = simple(DeployPolicy.IMMUTABLE);
        unwatched = new DeployPolicy(unwatched.strategy(), unwatched.stopTimeout(), unwatched.deadline(),
                unwatched.minHealthyTime(), true, unwatched.batch(), true, true, false, Duration.ZERO, List.of(), null,
                Duration.ZERO);
        List<String> events = new ArrayList<>();
        RolloutState end = run(fleetWith(2), spec(unwatched, 2, 2), new ArrayList<>(), 2, events);
        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(events).noneMatch(e -> e.contains("watching"));
    }

    @Test
    void keepOldStartsWithTheWatchAndSaysWhenTheNewSetHasBeenWatchedWithoutFailure() {
        SimulatedFleet fleet = fleetWith(2);
        RolloutSpec spec = blueGreen(Duration.ofMinutes(1));
        RolloutState state = untilSwitched(fleet, spec);
        Instant switched = state.switchedAt();
        Step.KeepOld keepOld = (Step.KeepOld) state.step();
        assertThat(keepOld.watched()).isEqualTo(switched.plus(DeployPolicy.DEFAULT_WATCH));
        assertThat(keepOld.until()).isEqualTo(switched.plus(Duration.ofMinutes(1)));

        // a pause holds the watch's end as it holds keep-old's
        RolloutState paused = state.pausedSince(fleet.now);
        Step.KeepOld resumed = (Step.KeepOld) paused.resumed(fleet.now.plusSeconds(7)).step();
        assertThat(resumed.watched()).isEqualTo(keepOld.watched().plusSeconds(7));
        assertThat(resumed.until()).isEqualTo(keepOld.until().plusSeconds(7));

        List<String> events = new ArrayList<>();
        while (state.step() instanceof Step.KeepOld k && k.watched() != null) {
            Plan plan = fleet.tick(spec, state);
            events.addAll(plan.events());
            state = plan.next();
        }
        assertThat(state.step()).isInstanceOf(Step.KeepOld.class);
        assertThat(fleet.now).isAfterOrEqualTo(switched.plus(DeployPolicy.DEFAULT_WATCH));
        assertThat(events).containsExactly("v2 watched for 5.0s with all the traffic, no failure; v1 stays warm for "
                + "55.0s more");
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).contains(1, 2).hasSize(4);
    }

    @Test
    void aKeepOldWatchThatSawTooLittleTrafficSaysItWasNotJudgedWhenItEnds() {
        SimulatedFleet fleet = fleetWith(2);
        fleet.requestsPerTick = 0;
        RolloutSpec spec = blueGreen(Duration.ofMinutes(1));

        RolloutState end = fleet.run(spec, untilSwitched(fleet, spec), 20, Integer.MAX_VALUE, 0);

        assertThat(end.step()).isInstanceOf(Step.KeepOld.class);
        assertThat(fleet.events).contains("v2 watched for 5.0s with all the traffic, not judged: v2 answered 0 "
                + "requests while watched, need 100; v1 stays warm for 55.0s more");
    }

    @Test
    void aNewSetAnsweringErrorsAfterTheRouterRestartedInKeepOldIsJudgedAgainstTheOldSetsEarlierCounts() {
        SimulatedFleet fleet = fleetWith(2);
        fleet.requestsPerTick = 100;
        RolloutSpec spec = blueGreen(Duration.ofMinutes(10));
        RolloutState state = untilSwitched(fleet, spec);
        fleet.restartRouter(); // with the server: the counts start from zero, and v1 at 0% counts nothing again
        fleet.errorRates.put(2, 0.5);

        RolloutState end = fleet.run(spec, state, 200, Integer.MAX_VALUE, 0);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().message()).contains("failed while it was watched with all the traffic: 5xx rate "
                + "50.0% is above the stable group's 0.0%");
    }

    @Test
    void aNewSetAnsweringErrorsDuringKeepOldIsJudgedAndTrafficGoesBackToTheWarmOldSet() {
        SimulatedFleet fleet = fleetWith(2);
        fleet.errorRates.put(2, 0.5);
        RolloutSpec spec = blueGreen(Duration.ofMinutes(10));

        RolloutState end = run(fleet, spec, new ArrayList<>(), 2);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.ANALYSIS);
        assertThat(end.failure().message()).contains("failed while it was watched with all the traffic: 5xx rate 50.0%");
        assertThat(fleet.actions).noneMatch(a -> a instanceof Action.Launch l && l.release() == 1);
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(2);
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void aNewSetThatCrashesWhileWatchedAfterTheSwitchSendsTrafficBackToTheWarmOldSet() {
        SimulatedFleet fleet = fleetWith(3);
        RolloutSpec spec = spec(simple(DeployPolicy.IMMUTABLE), 3, 3);
        RolloutState state = untilSwitched(fleet, spec);
        assertThat(((Step.KeepOld) state.step()).settling()).isTrue();
        fleet.exited.put("d3-web-2", new Observation(InstancePhase.BACKOFF, "exited: code 3, restarting in 0.2s",
                List.of(), 1));

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 3);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.EXITED);
        assertThat(fleet.actions).noneMatch(a -> a instanceof Action.Launch l && l.release() == 1)
                .as("the old set was still warm: no process of it started again");
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("old-1", "old-2", "old-3");
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void allAtOnceStopsEveryOldInstanceBeforeStartingTheNewOnes() {
        SimulatedFleet fleet = fleetWith(3);
        RolloutState end = run(fleet, spec(simple(DeployPolicy.ALL_AT_ONCE), 3, 3), new ArrayList<>(), 0);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        int lastStop = -1;
        int firstLaunch = Integer.MAX_VALUE;
        for (int i = 0; i < fleet.actions.size(); i++) {
            if (fleet.actions.get(i) instanceof Action.Stop) {
                lastStop = i;
            }
            if (fleet.actions.get(i) instanceof Action.Launch) {
                firstLaunch = Math.min(firstLaunch, i);
            }
        }
        assertThat(lastStop).isLessThan(firstLaunch);
        assertThat(fleet.runningWeb()).hasSize(3).extracting(InstanceRecord::release).containsOnly(2);
    }

    @Test
    void rollingWithoutSurgeLosesAtMostOneBatchOfCapacity() {
        SimulatedFleet fleet = fleetWith(4);
        DeployPolicy p = policy(DeployPolicy.ROLLING, new DeployPolicy.Batch(0, 50), false, false, Duration.ZERO,
                List.of(), null);
        RolloutState end = run(fleet, spec(p, 4, 4), new ArrayList<>(), 2);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).hasSize(4).extracting(InstanceRecord::release).containsOnly(2);
    }

    @ParameterizedTest(name = "overlap allowed: {0}")
    @ValueSource(booleans = {false, true})
    void workersAreReplacedStopFirstUnlessTheyMayOverlap(boolean overlap) {
        SimulatedFleet fleet = fleetWith(1);
        fleet.exitTicks = 3; // the old worker takes its time to exit after its stop signal
        fleet.store.put("old-worker", new InstanceRecord("old-worker", 1, "worker", true, Routing.NONE));
        fleet.agent.put("old-worker", new Observation(dev.cutover.model.agent.InstancePhase.RUNNING, "running", List.of()));
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", 1, "worker", 1),
                overlap ? Set.of("worker") : Set.of()), new ReleaseShape(1, Map.of("web", 1, "worker", 1)),
                simple(DeployPolicy.ROLLING));

        RolloutState end = run(fleet, spec, new ArrayList<>(), 1);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        int stopOld = fleet.actions.indexOf(new Action.Stop("old-worker"));
        int launchNew = -1;
        for (int i = 0; i < fleet.actions.size(); i++) {
            if (fleet.actions.get(i) instanceof Action.Launch l && l.type().equals("worker")) {
                launchNew = i;
            }
        }
        if (overlap) {
            assertThat(launchNew).as("the new worker starts first").isLessThan(stopOld);
        } else {
            assertThat(stopOld).as("a singleton never runs twice").isLessThan(launchNew);
            assertThat(fleet.events).contains("v2's worker starts once old-worker has exited (overlap: never)");
        }
        assertThat(fleet.violations).as("no new worker while the old one still ran, unless allowed").isEmpty();
        assertThat(fleet.store.values()).filteredOn(r -> r.running() && r.type().equals("worker"))
                .singleElement().satisfies(r -> assertThat(r.release()).isEqualTo(2));
    }

    @Test
    void aWorkerThatExitsAfterItWasRunningFailsTheDeploymentDuringTheWatch() {
        SimulatedFleet fleet = fleetWith(1);
        fleet.store.put("old-worker", new InstanceRecord("old-worker", 1, "worker", true, Routing.NONE));
        fleet.agent.put("old-worker", new Observation(InstancePhase.RUNNING, "running", List.of()));
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", 1, "worker", 1)),
                new ReleaseShape(1, Map.of("web", 1, "worker", 1)), simple(DeployPolicy.ROLLING));
        RolloutState state = RolloutState.start(3, fleet.now);
        while (!(state.step() instanceof Step.Watch) && !state.phase().finished()) {
            state = fleet.tick(spec, state).next();
        }
        String worker = fleet.store.values().stream().filter(r -> r.running() && r.type().equals("worker"))
                .findFirst().orElseThrow().id();
        fleet.exited.put(worker, new Observation(InstancePhase.BACKOFF, "exited: code 1, restarting in 0.2s",
                List.of(), 1));

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 1);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.EXITED);
        assertThat(end.failure().message()).startsWith(worker + " exited after it had started running: exited: code 1");
        assertThat(fleet.store.values()).filteredOn(r -> r.running() && r.type().equals("worker"))
                .singleElement().satisfies(r -> assertThat(r.release()).isEqualTo(1));
    }

    @Test
    void aPauseStopsTheClockOfTheStepItHolds() {
        SimulatedFleet fleet = new SimulatedFleet(12, 0, 100);
        fleet.running("old-1", 1);
        RolloutSpec spec = spec(simple(DeployPolicy.ROLLING), 1, 1);
        RolloutState state = RolloutState.start(8, fleet.now);
        for (int i = 0; i < 3; i++) {
            Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
            fleet.apply(plan, spec);
            state = plan.next();
            fleet.advance();
        }
        fleet.paused = true;
        for (int i = 0; i < 100; i++) { // far past the 30s deadline
            Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
            fleet.apply(plan, spec);
            state = plan.next();
            fleet.advance();
        }
        assertThat(state.phase()).isEqualTo(Phase.RUNNING);
        assertThat(state.pausedAt()).isNotNull();
        fleet.paused = false;
        Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
        assertThat(plan.next().phase()).isEqualTo(Phase.RUNNING);
        assertThat(plan.events()).contains("resumed");
    }
}
