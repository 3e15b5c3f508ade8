package dev.cutover.engine.preview;

import dev.cutover.engine.rollout.Action;
import dev.cutover.engine.rollout.GroupObservation;
import dev.cutover.engine.rollout.InstanceRecord;
import dev.cutover.engine.rollout.Observation;
import dev.cutover.engine.rollout.Observations;
import dev.cutover.engine.rollout.Plan;
import dev.cutover.engine.rollout.Planner;
import dev.cutover.engine.rollout.ReleaseShape;
import dev.cutover.engine.rollout.RolloutSpec;
import dev.cutover.engine.rollout.RolloutState;
import dev.cutover.engine.rollout.RunObservation;
import dev.cutover.engine.rollout.Routing;
import dev.cutover.engine.rollout.Step;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.manifest.HealthSpec;
import dev.cutover.model.routing.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a deployment would do, found by running the real planner against a world where everything goes as well as
 * it can: instances pass their health checks as soon as the thresholds allow, the router acknowledges at once,
 * nothing is in flight when an instance drains, analysis sees plenty of traffic without errors, and every wait for
 * {@code cutover promote} is promoted at once (and said so), and a release command exits 0 at once (and said so).
 * Pure: no I/O, a clock of its own.
 */
public final class DryRun {

    private static final Duration TICK = Duration.ofMillis(250);
    private static final int MAX_TICKS = 2_000_000;
    private static final Instant START = Instant.parse("2000-01-01T00:00:00Z");

    private DryRun() {}

    /**
     * @param oldInstances how many {@code web} instances of the stable release run now
     * @param health how the new release's instances are probed
     */
    public static List<PreviewStep> simulate(RolloutSpec spec, int oldInstances, HealthSpec health) {
        Map<String, InstanceRecord> store = new LinkedHashMap<>();
        Map<String, Observation> agent = new HashMap<>();
        Map<String, Instant> healthyAt = new HashMap<>();
        Map<String, RunObservation> runs = new HashMap<>();
        for (int i = 1; i <= oldInstances; i++) {
            String id = "old-" + i;
            store.put(id, new InstanceRecord(id, spec.stable().number(), "web", true, Routing.ACTIVE));
            agent.put(id, new Observation(InstancePhase.HEALTHY, "healthy", List.of()));
        }
        // the stable release's other types run too: a worker that may not overlap stops before its successor starts
        for (String type : spec.stable().typesInOrder()) {
            for (int i = 1; !type.equals(ReleaseShape.WEB) && i <= spec.stable().count(type); i++) {
                String id = "old-" + type + "-" + i;
                store.put(id, new InstanceRecord(id, spec.stable().number(), type, true, Routing.NONE));
                agent.put(id, new Observation(InstancePhase.RUNNING, "running", List.of()));
            }
        }
        Duration toHealthy = health.interval().multipliedBy(health.healthyThreshold());
        Map<Integer, Integer> weights = Map.of();
        Map<Integer, GroupObservation> groups = new HashMap<>();
        int promotions = 0;
        List<PreviewStep> steps = new ArrayList<>();
        RolloutState state = RolloutState.start(0, START);
        Instant now = START;
        for (int tick = 0; tick < MAX_TICKS && !state.phase().finished(); tick++) {
            for (Map.Entry<String, Instant> e : healthyAt.entrySet()) {
                if (!now.isBefore(e.getValue())) {
                    agent.put(e.getKey(), new Observation(InstancePhase.HEALTHY, "healthy", List.of()));
                }
            }
            Map<String, TargetState> routed = new HashMap<>();
            store.values().stream().filter(r -> r.running() && r.routing() != Routing.NONE).forEach(r ->
                    routed.put(r.id(), r.routing() == Routing.ACTIVE ? TargetState.ACTIVE : TargetState.DRAINING));
            groups.merge(spec.target().number(), new GroupObservation(10_000, 0, 1), DryRun::add);
            groups.merge(spec.stable().number(), new GroupObservation(10_000, 0, 1), DryRun::add);
            Observations obs = new Observations(agent, runs, routed, weights, weights, false, groups, Map.of(), false, false,
                    promotions, false, now);
            Plan plan = Planner.plan(spec, state, List.copyOf(store.values()), obs);
            // a split asked for in this tick holds from the next one, once the router has it: the tick's events
            // (the candidate in the router at 0%, a bake's verdict) happened under the split before it
            Map<Integer, Integer> acknowledged = weights;
            // so does a change of which instances the router sends requests to: in place, traffic follows them
            Map<String, Routing> routedBefore = new HashMap<>();
            store.values().forEach(r -> routedBefore.put(r.id(), r.routing()));
            boolean releaseStarted = false;
            List<String> launched = new ArrayList<>();
            for (Action a : plan.actions()) {
                switch (a) {
                    case Action.Launch l -> {
                        launched.add(l.instance());
                        store.put(l.instance(), new InstanceRecord(l.instance(), l.release(), l.type(), true, Routing.NONE));
                        agent.put(l.instance(), new Observation(InstancePhase.STARTING, "starting", List.of()));
                        healthyAt.put(l.instance(), now.plus(l.type().equals("web") ? toHealthy : TICK));
                    }
                    case Action.SetRouting s -> {
                        InstanceRecord r = store.get(s.instance());
                        store.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), r.running(), s.routing()));
                    }
                    case Action.Stop s -> {
                        InstanceRecord r = store.get(s.instance());
                        store.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), false, Routing.NONE));
                        agent.put(r.id(), new Observation(InstancePhase.STOPPED, "stopped", List.of()));
                        healthyAt.remove(r.id());
                    }
                    case Action.SetWeights w -> weights = w.percentByRelease();
                    case Action.SetPreview p -> { }
                    case Action.MarkServing m -> { }
                    case Action.StartRun r -> {
                        releaseStarted = !runs.containsKey(r.run());
                        runs.put(r.run(), new RunObservation.Exited(0, null));
                    }
                    case Action.StopRun r -> { }
                }
            }
            state = plan.next();
            // a tick that stops old instances and launches new ones tells of the stops first: until its first
            // launch is told, the counts leave the tick's launches out
            Map<String, InstanceRecord> beforeLaunches = new HashMap<>(store);
            launched.forEach(beforeLaunches::remove);
            boolean launchTold = false;
            for (String event : plan.events()) {
                launchTold |= event.startsWith("launched ");
                // the counts behind a passed analysis are the preview's own, made up to pass it: not shown
                String shown = event.startsWith("analysis passed: ")
                        ? "analysis passed (the preview assumes the candidate's traffic passes)" : event;
                steps.add(step(now, shown.replace("d0-", "new-"), launchTold ? store : beforeLaunches, spec,
                        oldInstances, acknowledged, routedBefore));
            }
            if (releaseStarted) {
                steps.add(step(now, "(the preview assumes the release command exits 0 at once)", store, spec,
                        oldInstances, weights, null));
            }
            boolean waitsForPerson = state.step() instanceof Step.Bake b && b.until() == null && !b.analysisStep();
            if (waitsForPerson && !state.phase().finished()) {
                steps.add(step(now, "(waits here for cutover promote; the preview assumes it at once)", store, spec,
                        oldInstances, weights, null));
                promotions++;
            }
            now = now.plus(TICK);
        }
        return steps;
    }

    private static GroupObservation add(GroupObservation a, GroupObservation b) {
        return new GroupObservation(a.requests() + b.requests(), a.errors() + b.errors(), 1);
    }

    /** {@code routed}: whom the router sends requests to, by instance (null: as {@code store} says). */
    private static PreviewStep step(Instant now, String what, Map<String, InstanceRecord> store, RolloutSpec spec,
            int oldInstances, Map<Integer, Integer> weights, Map<String, Routing> routed) {
        int olds = 0;
        int news = 0;
        int activeOld = 0;
        int activeNew = 0;
        for (InstanceRecord r : store.values()) {
            if (!r.running() || !r.type().equals("web")) {
                continue;
            }
            boolean isNew = r.release() == spec.target().number();
            if (isNew) {
                news++;
            } else {
                olds++;
            }
            Routing routing = routed == null ? r.routing() : routed.getOrDefault(r.id(), Routing.NONE);
            if (routing == Routing.ACTIVE) {
                if (isNew) {
                    activeNew++;
                } else {
                    activeOld++;
                }
            }
        }
        int serving = activeOld + activeNew;
        int traffic = weights.isEmpty() ? (serving == 0 ? 0 : 100 * activeNew / serving)
                : weights.getOrDefault(spec.target().number(), 0);
        int base = oldInstances == 0 ? Math.max(1, spec.target().count("web")) : oldInstances;
        int effectiveActive = weights.isEmpty() ? serving
                : (weights.getOrDefault(spec.target().number(), 0) > 0 ? activeNew : 0)
                        + (weights.getOrDefault(spec.stable().number(), 0) > 0 ? activeOld : 0);
        return new PreviewStep(Duration.between(START, now).toMillis(), what, olds, news, traffic,
                100 * effectiveActive / base);
    }
}
