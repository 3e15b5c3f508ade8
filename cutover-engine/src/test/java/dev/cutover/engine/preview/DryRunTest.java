package dev.cutover.engine.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.engine.rollout.ReleaseShape;
import dev.cutover.engine.rollout.RolloutSpec;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.HealthSpec;
import dev.cutover.model.manifest.TrafficStep;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DryRunTest {

    private static final HealthSpec HEALTH = new HealthSpec("/health", Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 3);

    private static DeployPolicy policy(String strategy, List<TrafficStep> steps, boolean approval, Duration keepOld) {
        return new DeployPolicy(strategy, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ZERO, true,
                DeployPolicy.Batch.ONE, true, true, approval, keepOld, steps, null, DeployPolicy.DEFAULT_WATCH);
    }

    private static RolloutSpec spec(DeployPolicy p) {
        return new RolloutSpec(new ReleaseShape(2, Map.of("web", 2)), new ReleaseShape(1, Map.of("web", 2)), p);
    }

    @Test
    void aCanaryTakesItsBakePlusTheHealthChecksAndNeverLosesCapacity() {
        List<PreviewStep> steps = DryRun.simulate(spec(policy(DeployPolicy.CANARY,
                DeployPolicy.canary(10, Duration.ofMinutes(5)), false, Duration.ZERO)), 2, HEALTH);

        assertThat(steps).extracting(PreviewStep::what).contains("10% of traffic on v2 (router acknowledged)",
                "analysis passed (the preview assumes the candidate's traffic passes)",
                "100% of traffic on v2 (router acknowledged)", "v2 is serving");
        assertThat(steps).anyMatch(s -> s.what().startsWith("baking for 300.0s; analysing (the default"));
        assertThat(steps).filteredOn(s -> s.what().startsWith("10% of traffic")).singleElement()
                .satisfies(s -> assertThat(s.newTrafficPercent()).isEqualTo(10));
        // each line shows the split it happened under, not the one its tick asked the router for
        assertThat(steps).filteredOn(s -> s.what().contains("are in the router, at 0% of traffic")).singleElement()
                .satisfies(s -> assertThat(s.newTrafficPercent()).isZero());
        assertThat(steps).filteredOn(s -> s.what().startsWith("analysis passed")).singleElement()
                .satisfies(s -> assertThat(s.newTrafficPercent()).isEqualTo(10));
        long last = steps.getLast().atMillis();
        assertThat(last).isBetween(Duration.ofMinutes(5).toMillis(), Duration.ofMinutes(5).plusSeconds(10).toMillis());
        assertThat(steps).allSatisfy(s -> assertThat(s.capacityPercent()).isGreaterThanOrEqualTo(100));
    }

    @Test
    void aWorkerThatMayNotOverlapIsShownStoppingBeforeItsSuccessorStarts() {
        RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", 1, "worker", 1)),
                new ReleaseShape(1, Map.of("web", 1, "worker", 1)), policy(DeployPolicy.ROLLING, List.of(), false,
                Duration.ZERO));
        List<String> said = DryRun.simulate(spec, 1, HEALTH).stream().map(PreviewStep::what).toList();

        int stopped = said.indexOf(said.stream().filter(w -> w.startsWith("stopped old-worker-1")).findFirst()
                .orElseThrow(() -> new AssertionError("no stop of the old worker in " + said)));
        int launched = said.indexOf(said.stream().filter(w -> w.startsWith("launched new-worker")).findFirst()
                .orElseThrow(() -> new AssertionError("no launch of the new worker in " + said)));
        assertThat(stopped).as(String.join(" | ", said)).isLessThan(launched);
        assertThat(said.getLast()).isEqualTo("v2 is serving");
    }

    @Test
    void theReleaseCommandComesFirstAndIsAssumedToSucceedAtOnce() {
        List<PreviewStep> steps = DryRun.simulate(spec(policy(DeployPolicy.ROLLING, List.of(), false, Duration.ZERO))
                .withRelease("./bin/migrate"), 2, HEALTH);

        assertThat(steps).extracting(PreviewStep::what).startsWith("running release command: ./bin/migrate",
                "(the preview assumes the release command exits 0 at once)");
        assertThat(steps.get(2).what()).startsWith("release command exited 0 after ");
        assertThat(steps.get(3).what()).startsWith("launched new-web-1");
        assertThat(steps.subList(0, 2)).allSatisfy(s -> {
            assertThat(s.newInstances()).isZero();
            assertThat(s.capacityPercent()).isEqualTo(100);
        });
        assertThat(steps.getLast().what()).isEqualTo("v2 is serving");
    }

    @Test
    void inPlaceTrafficFollowsAnInstanceFromTheLineThatSaysTheRouterAcknowledgedIt() {
        List<PreviewStep> steps = DryRun.simulate(spec(policy(DeployPolicy.ROLLING, List.of(), false, Duration.ZERO)),
                2, HEALTH);

        PreviewStep adding = steps.stream().filter(s -> s.what().startsWith("new-web-1 healthy after")).findFirst()
                .orElseThrow();
        assertThat(adding.what()).endsWith("adding it to the router");
        assertThat(adding.newTrafficPercent()).as("asked for, not acknowledged yet").isZero();
        assertThat(adding.capacityPercent()).isEqualTo(100);
        PreviewStep receives = steps.stream().filter(s -> s.what().startsWith("new-web-1 receives traffic"))
                .findFirst().orElseThrow();
        assertThat(receives.newTrafficPercent()).isEqualTo(33);
        assertThat(receives.capacityPercent()).isEqualTo(150);
        PreviewStep draining = steps.stream().filter(s -> s.what().startsWith("draining old-")).findFirst()
                .orElseThrow();
        assertThat(draining.capacityPercent()).as("the router still sends it requests until it acknowledges the drain")
                .isEqualTo(150);
    }

    @Test
    void aStopToldBeforeTheLaunchOfTheSameTickDoesNotCountTheNewInstanceYet() {
        List<PreviewStep> steps = DryRun.simulate(spec(policy(DeployPolicy.ROLLING, List.of(), false, Duration.ZERO)),
                2, HEALTH);

        int stopped = indexOf(steps, "drained in");
        PreviewStep stop = steps.get(stopped);
        PreviewStep launch = steps.get(stopped + 1);
        assertThat(launch.what()).startsWith("launched new-web-2");
        assertThat(launch.atMillis()).as("the same tick").isEqualTo(stop.atMillis());
        assertThat(stop.oldInstances()).isEqualTo(1);
        assertThat(stop.newInstances()).as("new-web-2 is not launched yet").isEqualTo(1);
        assertThat(launch.oldInstances()).isEqualTo(1);
        assertThat(launch.newInstances()).isEqualTo(2);
    }

    private static int indexOf(List<PreviewStep> steps, String part) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).what().contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no step with '" + part + "' in " + steps);
    }

    @Test
    void allAtOnceShowsItsDowntime() {
        List<PreviewStep> steps = DryRun.simulate(spec(policy(DeployPolicy.ALL_AT_ONCE, List.of(), false,
                Duration.ZERO)), 2, HEALTH);
        assertThat(steps).extracting(PreviewStep::capacityPercent).contains(0);
        assertThat(steps).extracting(PreviewStep::what).anyMatch(w -> w.contains("answers 503"));
    }

    @Test
    void aWaitForApprovalIsShownAndAssumedGiven() {
        List<PreviewStep> steps = DryRun.simulate(spec(policy(DeployPolicy.BLUE_GREEN, List.of(), true,
                Duration.ofMinutes(10))), 2, HEALTH);
        assertThat(steps).extracting(PreviewStep::what)
                .contains("(waits here for cutover promote; the preview assumes it at once)")
                .anyMatch(w -> w.startsWith("v2 serves all traffic; watching it for 5.0s and keeping v1 warm for 600.0s"));
        assertThat(steps.getLast().atMillis()).isGreaterThanOrEqualTo(Duration.ofMinutes(10).toMillis());
    }
}
