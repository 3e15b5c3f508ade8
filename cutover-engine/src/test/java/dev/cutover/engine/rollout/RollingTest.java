package dev.cutover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.manifest.DeployPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RollingTest {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static RolloutSpec spec(int from, int fromCount, int to, int toCount) {
        ReleaseShape stable = from == 0 ? ReleaseShape.none() : new ReleaseShape(from, Map.of("web", fromCount));
        return new RolloutSpec(new ReleaseShape(to, Map.of("web", toCount)), stable, STOP_TIMEOUT, DEADLINE);
    }

    @Test
    void replacesOneInstanceAtATimeStartingTheNewBeforeDrainingTheOld() {
        SimulatedFleet fleet = new SimulatedFleet(1, 1, 2);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        RolloutSpec spec = spec(1, 2, 2, 2);

        RolloutState end = fleet.run(spec, RolloutState.start(7, fleet.now), 200, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(2).hasSize(2);
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::routing).containsOnly(Routing.ACTIVE);
        assertThat(kinds(fleet.actions)).containsExactly(
                "launch d7-web-1", "route d7-web-1 ACTIVE", "route old-1 DRAINING", "stop old-1",
                "launch d7-web-2", "route d7-web-2 ACTIVE", "route old-2 DRAINING", "stop old-2");
    }

    @Test
    void firstDeploymentLaunchesEveryInstanceAndSucceeds() {
        SimulatedFleet fleet = new SimulatedFleet(2, 0, 3);
        RolloutState end = fleet.run(spec(0, 0, 1, 3), RolloutState.start(1, fleet.now), 200, Integer.MAX_VALUE, 0);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.runningWeb()).hasSize(3);
        // at once, not a batch at a time: there is no traffic to protect
        assertThat(kinds(fleet.actions)).startsWith("launch d1-web-1", "launch d1-web-2", "launch d1-web-3");
    }

    @Test
    void anInstanceThatNeverBecomesHealthyFailsTheStepAtItsDeadlineAndTheOldReleaseKeepsServing() {
        SimulatedFleet fleet = new SimulatedFleet(3, 1, 2);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        fleet.badReleases.add(2);

        RolloutState end = fleet.run(spec(1, 2, 2, 2), RolloutState.start(4, fleet.now), 200, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.UNHEALTHY);
        assertThat(end.failure().message()).contains("d4-web-1 did not become healthy within 20.0s")
                .contains("503 from GET /health");
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("old-1", "old-2");
        assertThat(fleet.tick).isLessThanOrEqualTo(25);
    }

    @ParameterizedTest(name = "stable release's own deadline given: {0}")
    @ValueSource(booleans = {true, false})
    void theWayBackHasTheStableReleasesDeadlineNotTheShortOneTheFailedDeploymentWasGiven(boolean stableDeadline) {
        SimulatedFleet fleet = new SimulatedFleet(5, 1, 2);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        fleet.badReleases.add(2);
        fleet.startTicks.put(1, 5); // the old release takes 5 s to start again
        DeployPolicy tight = new DeployPolicy(DeployPolicy.ROLLING, STOP_TIMEOUT, Duration.ofSeconds(3), Duration.ZERO,
                true, DeployPolicy.Batch.ONE, false, false, false, Duration.ZERO, List.of(), null, Duration.ZERO);
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", 2)), new ReleaseShape(1, Map.of("web", 2)),
                tight, null, stableDeadline ? Duration.ofSeconds(60) : null);

        // without surge one old instance is drained before its replacement starts: one serves meanwhile
        RolloutState end = fleet.run(spec, RolloutState.start(6, fleet.now), 200, Integer.MAX_VALUE, 1);

        assertThat(end.failure().message()).contains("did not become healthy within 3.0s");
        if (stableDeadline) {
            assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
            assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(2);
        } else {
            // what the way back did with the failed deployment's 3 s: the old release could not start in time
            assertThat(end.phase()).isEqualTo(Phase.FAILED);
            assertThat(fleet.events).anyMatch(e -> e.startsWith("rollback failed (unhealthy)")
                    && e.endsWith("the environment is left as it is, v1 serving with 1 of 2 web instances: deploy a "
                            + "release that works"));
        }
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void aFailureAfterSomeInstancesWereReplacedReplacesThemBack() {
        SimulatedFleet fleet = new SimulatedFleet(4, 1, 1);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        fleet.running("old-3", 1);
        RolloutSpec spec = spec(1, 3, 2, 3);
        RolloutState state = RolloutState.start(9, fleet.now);
        // run until one instance was replaced, then make the release go bad
        while (fleet.runningWeb().stream().filter(r -> r.release() == 1).count() == 3 || state.phase() != Phase.RUNNING
                || !(state.step() instanceof Step.Choose || state.step() instanceof Step.AwaitReady)) {
            Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
            fleet.apply(plan, spec);
            state = plan.next();
            fleet.advance();
        }
        fleet.badReleases.add(2);
        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 3);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = InstancePhase.class, names = {"BACKOFF", "CRASH_LOOPING", "STARTING"})
    void aNewInstanceThatExitsAfterTakingTrafficFailsTheDeploymentAndTheOldReleaseServesAgain(InstancePhase seen) {
        SimulatedFleet fleet = new SimulatedFleet(8, 1, 1);
        RolloutSpec spec = spec(1, 3, 2, 3);
        // on until the first new instance takes traffic, while the second batch is still to come
        RolloutState state = untilFirstNewInstanceTakesTraffic(fleet, spec, 5);
        assertThat(state.phase()).isEqualTo(Phase.RUNNING);
        String reason = seen == InstancePhase.STARTING ? "starting: waiting for its first probe"
                : "exited: code 1, restarting in 0.2s";
        fleet.exited.put("d5-web-1", new Observation(seen, reason, List.of("pass: 200 from GET /health"), 1));

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.EXITED);
        // the instance is stopped as the deployment goes back, not restarted: the agent's "restarting in" is left out
        assertThat(end.failure().message()).isEqualTo("d5-web-1 exited after it had passed its health checks and taken "
                + "traffic: " + (seen == InstancePhase.STARTING ? "started again (1 restart so far), " + reason
                : "exited: code 1") + "; last probes: pass: 200 from GET /health");
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(3);
    }

    @Test
    void aNewInstanceThatTurnsUnhealthyAfterTakingTrafficFailsTheDeploymentBeforeMoreOldOnesAreDrained() {
        SimulatedFleet fleet = new SimulatedFleet(12, 1, 1);
        RolloutSpec spec = spec(1, 3, 2, 3);
        RolloutState state = untilFirstNewInstanceTakesTraffic(fleet, spec, 8);
        long drainedBefore = fleet.actions.stream().filter(a -> a instanceof Action.SetRouting r
                && r.routing() == Routing.DRAINING).count();
        fleet.exited.put("d8-web-1", new Observation(InstancePhase.UNHEALTHY, "unhealthy: 3 probes failed: timed out "
                + "after 1000ms: GET /health", List.of("fail: timed out after 1000ms: GET /health"), 0));

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.UNHEALTHY);
        assertThat(end.failure().message()).startsWith("d8-web-1 turned unhealthy after it had passed its health "
                + "checks and taken traffic: unhealthy: 3 probes failed");
        assertThat(fleet.actions.stream().filter(a -> a instanceof Action.SetRouting r
                && r.routing() == Routing.DRAINING && r.instance().startsWith("old-")).count())
                .as("no old instance drained after the failure").isLessThanOrEqualTo(drainedBefore);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(3);
    }

    @Test
    void withAutoRollbackOffAnExitAfterTakingTrafficIsSaidOnceAndTheDeploymentWaits() {
        SimulatedFleet fleet = new SimulatedFleet(10, 1, 1);
        DeployPolicy rolling = new DeployPolicy(DeployPolicy.ROLLING, STOP_TIMEOUT, DEADLINE, Duration.ZERO, false,
                DeployPolicy.Batch.ONE, true, true, false, Duration.ZERO, List.of(), null, DeployPolicy.DEFAULT_WATCH);
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", 3)), new ReleaseShape(1, Map.of("web", 3)),
                rolling);
        RolloutState state = untilFirstNewInstanceTakesTraffic(fleet, spec, 7);
        fleet.exited.put("d7-web-1", new Observation(InstancePhase.BACKOFF, "exited: code 1, restarting in 0.2s",
                List.of(), 1));

        RolloutState end = fleet.run(spec, state, 20, Integer.MAX_VALUE, 2);

        assertThat(end.phase()).isEqualTo(Phase.RUNNING);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.EXITED);
        assertThat(fleet.events).filteredOn(e -> e.startsWith("failed (exited)")).singleElement()
                .asString().as("it does restart while the deployment waits").contains(", restarting in 0.2s");
        assertThat(fleet.events).contains("auto-rollback is off: waiting; cutover abort rolls back, cutover promote "
                + "goes on");
        assertThat(fleet.violations).isEmpty();
    }

    private static RolloutSpec watched(int from, int to, int count) {
        DeployPolicy rolling = new DeployPolicy(DeployPolicy.ROLLING, STOP_TIMEOUT, DEADLINE, Duration.ZERO, true,
                DeployPolicy.Batch.ONE, true, true, false, Duration.ZERO, List.of(), null, DeployPolicy.DEFAULT_WATCH);
        ReleaseShape stable = from == 0 ? ReleaseShape.none() : new ReleaseShape(from, Map.of("web", count));
        return new RolloutSpec(new ReleaseShape(to, Map.of("web", count)), stable, rolling);
    }

    /** A fleet with one v1 instance running. */
    private static SimulatedFleet oneOld(long seed) {
        SimulatedFleet fleet = new SimulatedFleet(seed, 1, 2);
        fleet.running("old-1", 1);
        return fleet;
    }

    private static RolloutState untilWatched(SimulatedFleet fleet, RolloutSpec spec, RolloutState state) {
        while (!(state.step() instanceof Step.Watch) && !state.phase().finished()) {
            state = fleet.tick(spec, state).next();
        }
        return state;
    }

    @Test
    void aReleaseThatCrashesOnceItServesAloneIsRolledBackWithTheWholeStableSetStartedAtOnce() {
        SimulatedFleet fleet = new SimulatedFleet(12, 1, 2);
        for (int i = 1; i <= 3; i++) {
            fleet.running("old-" + i, 1);
        }
        RolloutSpec spec = watched(1, 2, 3);
        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(2);
        for (int i = 1; i <= 3; i++) {
            fleet.exited.put("d7-web-" + i, new Observation(InstancePhase.BACKOFF, "exited: code 1, restarting in 0.2s",
                    List.of(), 1));
        }
        int before = fleet.events.size();

        RolloutState end = fleet.run(spec, state, 100, Integer.MAX_VALUE, 0);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        List<String> rollback = fleet.events.subList(before, fleet.events.size());
        assertThat(rollback).filteredOn(e -> e.startsWith("launched ")).singleElement()
                .satisfies(e -> assertThat(e).endsWith("(v1 web)").contains(", ").matches("launched [^,]+, [^,]+, [^,]+ .*"));
        assertThat(rollback).filteredOn(e -> e.startsWith("draining ")).singleElement()
                .satisfies(e -> assertThat(e).contains("d7-web-1", "d7-web-2", "d7-web-3"));
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsExactly(1, 1, 1);
        assertThat(fleet.violations).isEmpty();
    }

    @Test
    void afterTheLastBatchTheNewInstancesAreWatchedWithAllTrafficBeforeTheDeploymentIsDone() {
        SimulatedFleet fleet = new SimulatedFleet(12, 1, 2);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        RolloutSpec spec = watched(1, 2, 2);

        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));

        assertThat(((Step.Watch) state.step()).until()).isEqualTo(state.switchedAt().plus(DeployPolicy.DEFAULT_WATCH));
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::id).containsExactly("d7-web-1", "d7-web-2");
        assertThat(fleet.events).contains("v2 serves all traffic; watching it for 5.0s before it is done");
        assertThat(fleet.serving).as("what takes all the traffic is what serves").isEqualTo(2);
        Instant watchFrom = state.switchedAt();
        RolloutState end = fleet.run(spec, state, 100, Integer.MAX_VALUE, 2);
        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(end.updatedAt()).isEqualTo(watchFrom.plus(DeployPolicy.DEFAULT_WATCH));
        assertThat(fleet.events).as("no traffic in this fleet: the silence is not a pass")
                .contains("not judged: v2 answered 0 requests while watched, need 100; going on");
    }

    @Test
    void aReleaseThatCrashesWhileWatchedAfterItsLastBatchIsRolledBack() {
        SimulatedFleet fleet = new SimulatedFleet(13, 1, 2);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        RolloutSpec spec = watched(1, 2, 2);
        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));
        fleet.exited.put("d7-web-2", new Observation(InstancePhase.BACKOFF, "exited: code 3, restarting in 0.2s",
                List.of(), 1));

        assertThat(fleet.serving).isEqualTo(2);

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 1);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.EXITED);
        assertThat(fleet.serving).as("the release it goes back to serves again").isEqualTo(1);
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(2);
        assertThat(fleet.violations).isEmpty();
    }

    /** Two v1 instances under load, v1 and v2 answering these shares of 5xx. */
    private static SimulatedFleet answering(double v1Errors, double v2Errors) {
        SimulatedFleet fleet = new SimulatedFleet(15, 1, 2);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);
        fleet.requestsPerTick = 100;
        fleet.errorRates.put(1, v1Errors);
        fleet.errorRates.put(2, v2Errors);
        return fleet;
    }

    @Test
    void aReleaseAnsweringErrorsWhileWatchedIsRolledBackAndOneAsGoodAsTheOldOnePasses() {
        SimulatedFleet fleet = answering(0.02, 0.30);

        RolloutState end = fleet.run(watched(1, 2, 2), RolloutState.start(7, fleet.now), 300, Integer.MAX_VALUE, 1);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.ANALYSIS);
        assertThat(end.failure().message()).startsWith("analysis of v2 failed while it was watched with all the "
                + "traffic: 5xx rate 30.0% is above the stable group's 2.0% by more than 5.0%");
        assertThat(fleet.events).containsSubsequence("v2 serves all traffic; watching it for 5.0s before it is done",
                "rolling back to v1");
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1).hasSize(2);

        SimulatedFleet same = answering(0.04, 0.06);
        assertThat(same.run(watched(1, 2, 2), RolloutState.start(7, same.now), 300, Integer.MAX_VALUE, 1).phase())
                .as("within 5 points of the old release's rate").isEqualTo(Phase.SUCCEEDED);
    }

    @Test
    void aPausedWatchStillJudgesTheTrafficItHolds() {
        SimulatedFleet fleet = answering(0.02, 0.0);
        RolloutSpec spec = watched(1, 2, 2);
        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));
        fleet.paused = true;
        fleet.errorRates.put(2, 0.5);

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 1);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.ANALYSIS);
    }

    @Test
    void aWatchJudgesAgainstTheOldReleasesCountsWhenTheRouterRestartedAndCountsFromZero() {
        SimulatedFleet fleet = answering(0.02, 0.0);
        RolloutSpec spec = watched(1, 2, 2);
        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));
        fleet.restartRouter(); // with the server: v1's counts are gone with it, and v1 serves no more requests
        fleet.errorRates.put(2, 0.5);

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 0);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().message()).contains("5xx rate 50.0% is above the stable group's 2.0%");
    }

    @Test
    void aWatchWithNothingToCompareWithGivesNoVerdictAndSaysSo() {
        SimulatedFleet fleet = answering(0.0, 0.5);
        fleet.requestsPerTick = 0; // the old release answered nothing this router counted
        RolloutSpec spec = watched(1, 2, 2);
        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));
        fleet.requestsPerTick = 100;

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 0);

        assertThat(end.phase()).as("the guard compares with the old release: no guess without it")
                .isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.events).contains("not judged: v1 has no counted requests to compare v2's with; going on");
    }

    @Test
    void aWatchDoesNotEndOnAFailedProbeButWaitsForTheProbesToDecide() {
        SimulatedFleet fleet = oneOld(16);
        RolloutSpec spec = watched(1, 2, 1);
        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));
        Instant until = ((Step.Watch) state.step()).until();
        List<String> failing = List.of("00:00:01.000 pass: 200 from GET /health in 1ms",
                "00:00:02.500 fail: HttpTimeoutException from GET /health: timed out after 1000ms");
        fleet.exited.put("d7-web-1", new Observation(InstancePhase.HEALTHY, "healthy: 2 probes passed", failing, 0));
        while (fleet.now.isBefore(until.plusSeconds(3))) {
            state = fleet.tick(spec, state).next();
        }

        assertThat(state.phase()).as("a hang is not over at the first failed probe").isEqualTo(Phase.RUNNING);
        assertThat(state.step()).isInstanceOf(Step.Watch.class).matches(s -> ((Step.Watch) s).extended());
        assertThat(fleet.events).filteredOn(e -> e.contains("latest probe failed")).containsExactly(
                "d7-web-1: its latest probe failed; watching on until the probes decide");

        fleet.exited.put("d7-web-1", new Observation(InstancePhase.UNHEALTHY, "unhealthy: 3 probes failed", failing, 0));
        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 0);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.UNHEALTHY);
    }

    @Test
    void promoteEndsTheWatchAndAWatchOfZeroIsNone() {
        SimulatedFleet fleet = oneOld(14);
        RolloutSpec spec = watched(1, 2, 1);
        RolloutState state = untilWatched(fleet, spec, RolloutState.start(7, fleet.now));
        fleet.promotions++;
        state = fleet.tick(spec, state).next();
        assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.events).contains("promoted: ending the watch now");

        SimulatedFleet unwatched = new SimulatedFleet(14, 1, 2);
        unwatched.running("old-1", 1);
        RolloutState end = unwatched.run(spec(1, 1, 2, 1), RolloutState.start(7, unwatched.now), 100,
                Integer.MAX_VALUE, 1);
        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(unwatched.events).noneMatch(e -> e.contains("watching"));
    }

    @Test
    void anInstanceAdoptedAfterAnAgentRestartIsNotTakenForOneThatExited() {
        SimulatedFleet fleet = new SimulatedFleet(9, 1, 1);
        RolloutSpec spec = spec(1, 2, 2, 2);
        RolloutState state = untilFirstNewInstanceTakesTraffic(fleet, spec, 6);
        fleet.exited.put("d6-web-1", new Observation(InstancePhase.STARTING, "adopted: pid 4242 after an agent "
                + "restart", List.of(), 0));
        state = fleet.tick(spec, state).next();
        fleet.exited.clear();

        RolloutState end = fleet.run(spec, state, 300, Integer.MAX_VALUE, 1);

        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
    }

    /** The stable set as the spec says, then deployment {@code id} run until its first instance is routed. */
    private static RolloutState untilFirstNewInstanceTakesTraffic(SimulatedFleet fleet, RolloutSpec spec, long id) {
        for (int i = 1; i <= spec.stable().count("web"); i++) {
            fleet.running("old-" + i, spec.stable().number());
        }
        String first = "d" + id + "-web-1";
        RolloutState state = RolloutState.start(id, fleet.now);
        while (!(fleet.store.containsKey(first) && fleet.store.get(first).routing() == Routing.ACTIVE)) {
            state = fleet.tick(spec, state).next();
        }
        return state;
    }

    @Test
    void abortRollsBackAndNeverLaunchesTheNewReleaseAgain() {
        SimulatedFleet fleet = new SimulatedFleet(5, 2, 3);
        fleet.running("old-1", 1);
        fleet.running("old-2", 1);

        RolloutState end = fleet.run(spec(1, 2, 2, 2), RolloutState.start(2, fleet.now), 300, 3, 2);

        assertThat(end.phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(end.failure().reason()).isEqualTo(FailureReason.ABORTED);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).extracting(InstanceRecord::release).containsOnly(1);
    }

    @Test
    void aFailedFirstDeploymentStopsItsInstancesAndEndsFailed() {
        SimulatedFleet fleet = new SimulatedFleet(6, 0, 1);
        fleet.badReleases.add(1);

        RolloutState end = fleet.run(spec(0, 0, 1, 2), RolloutState.start(1, fleet.now), 200, Integer.MAX_VALUE, 0);

        assertThat(end.phase()).isEqualTo(Phase.FAILED);
        assertThat(fleet.runningWeb()).isEmpty();
    }

    @Test
    void aControllerThatRestartsBetweenActingAndSavingRepeatsNothingHarmful() {
        SimulatedFleet fleet = new SimulatedFleet(7, 1, 2);
        fleet.running("old-1", 1);
        RolloutSpec spec = spec(1, 1, 2, 1);
        RolloutState saved = RolloutState.start(3, fleet.now);
        for (int i = 0; i < 200 && !saved.phase().finished(); i++) {
            Plan plan = Planner.plan(spec, saved, List.copyOf(fleet.store.values()), fleet.observe(false));
            fleet.apply(plan, spec);
            // every third tick the controller "crashes" after acting: the state it saved is the old one
            if (i % 3 != 2) {
                saved = plan.next();
            }
            fleet.advance();
        }
        assertThat(saved.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.violations).isEmpty();
        assertThat(fleet.runningWeb()).hasSize(1).extracting(InstanceRecord::release).containsOnly(2);
    }

    @Test
    void drainWaitsForInFlightRequestsButNotPastTheStopTimeout() {
        SimulatedFleet fleet = new SimulatedFleet(8, 0, 1);
        fleet.running("old-1", 1);
        RolloutSpec spec = spec(1, 1, 2, 1);
        RolloutState end = fleet.run(spec, RolloutState.start(5, fleet.now), 200, Integer.MAX_VALUE, 1);
        assertThat(end.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(fleet.actions.getLast()).isEqualTo(new Action.Stop("old-1"));
    }

    static List<String> kinds(List<Action> actions) {
        return actions.stream().map(a -> switch (a) {
            case Action.Launch l -> "launch " + l.instance();
            case Action.SetRouting s -> "route " + s.instance() + " " + s.routing();
            case Action.Stop s -> "stop " + s.instance();
            case Action.SetWeights w -> "weights " + new java.util.TreeMap<>(w.percentByRelease());
            case Action.SetPreview p -> "preview v" + p.release();
            case Action.MarkServing m -> "serving v" + m.release();
            case Action.StartRun r -> "start run " + r.run();
            case Action.StopRun r -> "stop run " + r.run();
        }).toList();
    }
}
