package dev.cutover.engine.rollout;

import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.routing.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A fleet, a store and a router in memory, moved by hand: instances become healthy after a delay (or never, for
 * releases marked bad), the router acknowledges routing changes some ticks late, draining instances finish their
 * in-flight requests over a few ticks, a release command ends as {@link #release} says. It checks the engine's
 * safety properties at every tick.
 */
final class SimulatedFleet {

    static final Duration TICK = Duration.ofSeconds(1);

    final Map<String, InstanceRecord> store = new LinkedHashMap<>();
    final Map<String, Observation> agent = new HashMap<>();
    private final Map<String, Integer> readyAtTick = new HashMap<>();
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Deque<Map<String, TargetState>> routerQueue = new ArrayDeque<>();
    private Map<String, TargetState> acknowledged = Map.of();
    private final Deque<Map<Integer, Integer>> weightQueue = new ArrayDeque<>();
    private Map<Integer, Integer> pendingWeights = Map.of();
    Map<Integer, Integer> acknowledgedWeights = Map.of();
    private boolean routerCatchingUp = false;
    final Map<Integer, GroupObservation> groups = new HashMap<>();
    /** Share of 5xx each release answers with. */
    final Map<Integer, Double> errorRates = new HashMap<>();
    /** Requests the environment gets per tick, spread as the router would. */
    int requestsPerTick = 0;
    int promotions = 0;
    boolean paused = false;
    /** Whether an abort asked of {@link #observe} comes from {@code cutover rollback}. */
    boolean abortIsRollback = false;
    int serving = 0;
    int preview = 0;
    final Set<Integer> badReleases = new HashSet<>();
    /** Releases whose instances take exactly this many ticks to become ready, instead of a random number. */
    final Map<Integer, Integer> startTicks = new HashMap<>();
    /** What the agent reports of instances whose process exited after they were ready, in place of their health. */
    final Map<String, Observation> exited = new HashMap<>();
    /** How the release command ends, when the deployment has one. */
    RunScript release = RunScript.exits(0, 2);
    /** Runs started, by id: the tick each started at. A run is started once per id. */
    final Map<String, Integer> runsStarted = new LinkedHashMap<>();
    /** Runs started and not yet told to stop: what an agent would still be asked to run. */
    final Set<String> runsWanted = new HashSet<>();
    /** Set once a person went on past a failed release command: from then on, launching is what was asked. */
    boolean wentOnPastRelease = false;
    /** Runs let go of after they ended: still reported, as an agent keeps an ended run's report for a while. */
    private final Map<String, Integer> runsLetGoAfterEnd = new HashMap<>();
    /** How many ticks an ended run stays reported once let go of (the agent keeps it 10 minutes). */
    private static final int ENDED_RUN_REPORTED_FOR = 600;
    /** Runs told to stop while still running: gone from their agent's report a tick later. */
    private final Map<String, Integer> runsStopping = new HashMap<>();
    final List<String> violations = new ArrayList<>();
    /** How many ticks an instance takes to exit after its stop signal (0: at once). */
    int exitTicks;
    private final Map<String, Integer> exitingUntil = new HashMap<>();
    final List<Action> actions = new ArrayList<>();
    /** Every event the plans carried out so far recorded, in order. */
    final List<String> events = new ArrayList<>();
    private final Random random;
    private final int ackDelayTicks;
    private final int maxStartTicks;
    int tick = 0;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    SimulatedFleet(long seed, int ackDelayTicks, int maxStartTicks) {
        this.random = new Random(seed);
        this.ackDelayTicks = ackDelayTicks;
        this.maxStartTicks = maxStartTicks;
    }

    /** A running instance of a process type without a port, as a previous deployment left it. */
    void runningWorker(String id, int release) {
        store.put(id, new InstanceRecord(id, release, "worker", true, Routing.NONE));
        agent.put(id, new Observation(InstancePhase.RUNNING, "running", List.of()));
    }

    /** A healthy, routed instance of a release, as a previous deployment left it. */
    void running(String id, int release) {
        store.put(id, new InstanceRecord(id, release, "web", true, Routing.ACTIVE));
        agent.put(id, new Observation(InstancePhase.HEALTHY, "healthy", List.of()));
        acknowledged = routingView();
    }

    /**
     * How a release command ends: after {@code ticks}, with {@code exitCode} (null: lost, its process gone without
     * one), or it cannot start at all; {@code ticks} of {@link Integer#MAX_VALUE}: it never ends.
     */
    record RunScript(int ticks, Integer exitCode, boolean startFails) {
        static RunScript exits(int code, int ticks) {
            return new RunScript(ticks, code, false);
        }

        static RunScript lost(int ticks) {
            return new RunScript(ticks, null, false);
        }

        static RunScript cannotStart() {
            return new RunScript(1, null, true);
        }

        static RunScript hangs() {
            return new RunScript(Integer.MAX_VALUE, null, false);
        }
    }

    /** The run is no longer wanted: killed if still running, else reported a while longer and then forgotten. */
    private void letGo(String run) {
        boolean stillRunning = runReports().get(run) instanceof RunObservation.Running;
        if (runsWanted.remove(run)) {
            if (stillRunning) {
                runsStopping.put(run, tick + 1); // killed: it never exits 0
            } else {
                runsLetGoAfterEnd.put(run, tick);
            }
        }
    }

    /** Whether the release command has run to exit code 0 by now. */
    boolean released() {
        return runsStarted.entrySet().stream().anyMatch(e -> release.exitCode() != null && release.exitCode() == 0
                && !release.startFails() && release.ticks() != Integer.MAX_VALUE
                && tick >= e.getValue() + release.ticks() && !runsStopping.containsKey(e.getKey()));
    }

    private Map<String, RunObservation> runReports() {
        Map<String, RunObservation> reports = new HashMap<>();
        for (Map.Entry<String, Integer> e : runsStarted.entrySet()) {
            String id = e.getKey();
            boolean forgotten = !runsWanted.contains(id)
                    && (!runsStopping.containsKey(id) || tick > runsStopping.get(id))
                    && (!runsLetGoAfterEnd.containsKey(id) || tick > runsLetGoAfterEnd.get(id) + ENDED_RUN_REPORTED_FOR);
            if (forgotten) {
                continue;
            }
            boolean over = release.ticks() != Integer.MAX_VALUE && tick >= e.getValue() + release.ticks();
            reports.put(id, release.startFails() ? new RunObservation.StartFailed("build missing")
                    : !over || runsStopping.containsKey(id) ? new RunObservation.Running()
                    : release.exitCode() == null ? new RunObservation.Lost("gone without an exit code")
                    : new RunObservation.Exited(release.exitCode(), Duration.ofSeconds(release.ticks())));
        }
        return reports;
    }

    Observations observe(boolean abort) {
        boolean pending = !weightQueue.stream().allMatch(w -> w.equals(acknowledgedWeights));
        return new Observations(agent, runReports(), acknowledged, acknowledgedWeights, pendingWeights, pending,
                groups, inFlight, abort, abort && abortIsRollback, promotions, paused, now);
    }

    /** Carries out a plan's actions, checking that none breaks a safety property. */
    void apply(Plan plan, RolloutSpec spec) {
        events.addAll(plan.events());
        for (Action a : plan.actions()) {
            actions.add(a);
            boolean runAction = a instanceof Action.StartRun || a instanceof Action.StopRun;
            if (spec.release() != null && !runAction && !released() && !wentOnPastRelease) {
                violations.add("tick " + tick + ": " + a + " before the release command exited 0");
            }
            switch (a) {
                case Action.Launch l -> {
                    if (plan.next().phase() != Phase.RUNNING && l.release() == spec.target().number()) {
                        violations.add("tick " + tick + ": launched " + l.instance() + " of the failed release");
                    }
                    if (!l.type().equals(ReleaseShape.WEB) && !spec.target().overlaps(l.type())
                            && !spec.stable().overlaps(l.type())) {
                        // an instance of another release, or one of the same release no longer wanted (scaled in)
                        store.values().stream().filter(o -> o.type().equals(l.type())
                                && (o.release() != l.release() || !o.running())
                                && agent.containsKey(o.id()) && agent.get(o.id()).phase().alive()).forEach(o ->
                                violations.add("tick " + tick + ": launched " + l.instance() + " while " + o.id()
                                        + " (v" + o.release() + " " + o.type() + ", overlap: never) still ran"));
                    }
                    InstanceRecord known = store.get(l.instance());
                    if (known == null) {
                        store.put(l.instance(), new InstanceRecord(l.instance(), l.release(), l.type(), true,
                                Routing.NONE));
                        agent.put(l.instance(), new Observation(InstancePhase.STARTING, "starting", List.of()));
                        readyAtTick.put(l.instance(), tick + 1 + (startTicks.containsKey(l.release())
                                ? startTicks.get(l.release()) : random.nextInt(maxStartTicks)));
                    } else if (!known.running() || known.release() != l.release() || !known.type().equals(l.type())) {
                        // the store ignores a Launch of a known id (ON CONFLICT DO NOTHING); the planner asking for
                        // one means it thinks it starts a second instance under a name already used
                        violations.add("tick " + tick + ": launched " + l.instance() + " as v" + l.release() + " "
                                + l.type() + ", but that id is already " + (known.running() ? "running" : "stopped")
                                + " as v" + known.release() + " " + known.type());
                    }
                }
                case Action.SetRouting s -> {
                    InstanceRecord r = store.get(s.instance());
                    store.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), r.running(), s.routing()));
                    if (s.routing() == Routing.DRAINING && r.routing() != Routing.DRAINING) {
                        // requests it was given before; a repeated drain (after a crash) brings no new ones
                        inFlight.put(r.id(), random.nextInt(4));
                    }
                }
                case Action.Stop s -> {
                    if (acknowledged.get(s.instance()) == TargetState.ACTIVE) {
                        violations.add("tick " + tick + ": stop signal to " + s.instance()
                                + " while the router still sends it new requests");
                    }
                    InstanceRecord r = store.get(s.instance());
                    store.put(r.id(), new InstanceRecord(r.id(), r.release(), r.type(), false, Routing.NONE));
                    if (exitTicks > 0) {
                        agent.put(r.id(), new Observation(InstancePhase.STOPPING, "stopping", List.of()));
                        exitingUntil.put(r.id(), tick + exitTicks);
                    } else {
                        agent.put(r.id(), new Observation(InstancePhase.STOPPED, "stopped", List.of()));
                    }
                    inFlight.remove(r.id());
                }
                case Action.SetWeights w -> {
                    int sum = w.percentByRelease().values().stream().mapToInt(Integer::intValue).sum();
                    if (!w.percentByRelease().isEmpty() && sum != 100) {
                        violations.add("tick " + tick + ": weights " + w.percentByRelease() + " sum to " + sum);
                    }
                    pendingWeights = w.percentByRelease();
                }
                case Action.SetPreview p -> preview = p.release();
                case Action.MarkServing m -> serving = m.release();
                case Action.StartRun r -> {
                    if (!runsStarted.isEmpty() && !runsStarted.containsKey(r.run())) {
                        violations.add("tick " + tick + ": a second release run " + r.run() + " after "
                                + runsStarted.keySet());
                    } else if (runsStarted.containsKey(r.run()) && !runsWanted.contains(r.run())
                            && !runReports().containsKey(r.run())) {
                        // Asked again while its agent still reports it, a run is the same run and never starts
                        // again; once its agent forgot it, it would run a second time.
                        violations.add("tick " + tick + ": asked again for " + r.run() + " after its agent forgot it");
                    }
                    runsStarted.putIfAbsent(r.run(), tick);
                    runsWanted.add(r.run());
                }
                case Action.StopRun r -> letGo(r.run());
            }
        }
        if (plan.next().phase().finished()) {
            // As the controller does in the transaction that saves the final phase: the run is over with its
            // deployment, whatever the planner asked.
            List.copyOf(runsWanted).forEach(this::letGo);
        }
        routerQueue.addLast(routingView());
        weightQueue.addLast(pendingWeights);
    }

    /**
     * The router restarted, as it does with the controller in {@code cutover server}: it lost its table (it routes
     * nothing until it acknowledges the next one), the tables on their way to it, its connections (and so the
     * requests in flight) and its counts, which start again from zero.
     */
    void restartRouter() {
        routerQueue.clear();
        weightQueue.clear();
        acknowledged = Map.of();
        acknowledgedWeights = Map.of();
        inFlight.clear();
        groups.clear();
        routerCatchingUp = true;
    }

    /** Whether the router restarted and has not acknowledged a table since: it routes nothing yet. */
    boolean routerCatchingUp() {
        return routerCatchingUp;
    }

    /** The instances the controller reads from its store for the planner: those it wants running, and those stopping. */
    List<InstanceRecord> wanted() {
        // and, as in the server, those no longer wanted whose processes are still going through their stop signals
        return store.values().stream().filter(r -> r.running() || agent.containsKey(r.id())
                && agent.get(r.id()).phase().alive()).toList();
    }

    /** One second passes: instances start, the router catches up, in-flight requests finish. */
    void advance() {
        tick++;
        now = now.plus(TICK);
        while (routerQueue.size() > ackDelayTicks) {
            acknowledged = routerQueue.removeFirst();
            acknowledgedWeights = weightQueue.removeFirst();
            routerCatchingUp = false;
        }
        sendTraffic();
        exitingUntil.entrySet().removeIf(e -> {
            if (tick < e.getValue()) {
                return false;
            }
            agent.put(e.getKey(), new Observation(InstancePhase.STOPPED, "stopped", List.of()));
            return true;
        });
        for (InstanceRecord r : store.values()) {
            Integer at = readyAtTick.get(r.id());
            if (r.running() && exited.containsKey(r.id())) {
                agent.put(r.id(), exited.get(r.id()));
            } else if (r.running() && at != null && tick >= at) {
                InstancePhase p = badReleases.contains(r.release()) ? InstancePhase.UNHEALTHY : InstancePhase.HEALTHY;
                agent.put(r.id(), new Observation(p, p == InstancePhase.HEALTHY ? "healthy"
                        : "unhealthy: 3 probes failed: 503 from GET /health", List.of("fail: 503 from GET /health")));
            }
        }
        inFlight.replaceAll((id, n) -> Math.max(0, n - 1));
    }

    /** Spreads this tick's requests over the releases as the acknowledged table would, counting their 5xx. */
    private void sendTraffic() {
        Map<Integer, Long> active = new HashMap<>();
        for (Map.Entry<String, TargetState> e : acknowledged.entrySet()) {
            if (e.getValue() == TargetState.ACTIVE) {
                active.merge(store.get(e.getKey()).release(), 1L, Long::sum);
            }
        }
        long total = active.values().stream().mapToLong(Long::longValue).sum();
        for (Map.Entry<Integer, Long> e : active.entrySet()) {
            double share = acknowledgedWeights.isEmpty() ? (double) e.getValue() / total
                    : acknowledgedWeights.getOrDefault(e.getKey(), 0) / 100.0;
            long n = Math.round(requestsPerTick * share);
            long errors = Math.round(n * errorRates.getOrDefault(e.getKey(), 0.0));
            groups.merge(e.getKey(), new GroupObservation(n, errors, 10), (a, b) ->
                    new GroupObservation(a.requests() + b.requests(), a.errors() + b.errors(), 10));
        }
    }

    /** The share of traffic a release gets in the acknowledged table. */
    int trafficPercent(int release) {
        if (!acknowledgedWeights.isEmpty()) {
            return acknowledgedWeights.getOrDefault(release, 0);
        }
        long all = acknowledged.values().stream().filter(s -> s == TargetState.ACTIVE).count();
        long mine = acknowledged.entrySet().stream().filter(e -> e.getValue() == TargetState.ACTIVE
                && store.get(e.getKey()).release() == release).count();
        return all == 0 ? 0 : (int) Math.round(100.0 * mine / all);
    }

    int routedActive() {
        return (int) acknowledged.values().stream().filter(s -> s == TargetState.ACTIVE).count();
    }

    /** The routed instances that get requests: those of a release the acknowledged split gives a share. */
    int servingActive() {
        return (int) acknowledged.entrySet().stream().filter(e -> e.getValue() == TargetState.ACTIVE
                && (acknowledgedWeights.isEmpty()
                        || acknowledgedWeights.getOrDefault(store.get(e.getKey()).release(), 0) > 0)).count();
    }

    List<InstanceRecord> runningWeb() {
        return store.values().stream().filter(r -> r.running() && r.type().equals("web")).toList();
    }

    private Map<String, TargetState> routingView() {
        Map<String, TargetState> view = new HashMap<>();
        for (InstanceRecord r : store.values()) {
            if (r.running() && r.routing() != Routing.NONE) {
                view.put(r.id(), r.routing() == Routing.ACTIVE ? TargetState.ACTIVE : TargetState.DRAINING);
            }
        }
        return view;
    }

    /** One tick: plans from {@code state}, carries out the plan, lets a second pass; returns the plan. */
    Plan tick(RolloutSpec spec, RolloutState state) {
        Plan plan = Planner.plan(spec, state, List.copyOf(store.values()), observe(false));
        apply(plan, spec);
        advance();
        return plan;
    }

    /** Runs the planner until the deployment finishes or {@code maxTicks} pass; returns the last state. */
    RolloutState run(RolloutSpec spec, RolloutState start, int maxTicks, int abortAtTick, int capacityFloor) {
        RolloutState state = start;
        for (int i = 0; i < maxTicks && !state.phase().finished(); i++) {
            Plan plan = Planner.plan(spec, state, List.copyOf(store.values()), observe(tick >= abortAtTick));
            apply(plan, spec);
            state = plan.next();
            advance();
            if (routedActive() < capacityFloor) {
                violations.add("tick " + tick + ": " + routedActive() + " instances take traffic, below the floor of "
                        + capacityFloor);
            }
        }
        return state;
    }
}
