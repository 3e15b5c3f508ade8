package dev.cutover.server.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.engine.rollout.Action;
import dev.cutover.engine.rollout.Failure;
import dev.cutover.engine.rollout.FailureReason;
import dev.cutover.engine.rollout.InstanceRecord;
import dev.cutover.engine.rollout.Observation;
import dev.cutover.engine.rollout.Observations;
import dev.cutover.engine.rollout.Plan;
import dev.cutover.engine.rollout.ReleaseShape;
import dev.cutover.engine.rollout.Planner;
import dev.cutover.engine.rollout.GroupObservation;
import dev.cutover.engine.rollout.RolloutSpec;
import dev.cutover.engine.rollout.RolloutState;
import dev.cutover.engine.rollout.Routing;
import dev.cutover.engine.rollout.Phase;
import dev.cutover.model.agent.AgentClient;
import dev.cutover.model.agent.AgentReport;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.agent.LogChunk;
import dev.cutover.model.agent.RunReport;
import dev.cutover.engine.rollout.RunObservation;
import dev.cutover.model.json.Json;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.TargetStats;
import dev.cutover.store.EnvRow;
import dev.cutover.model.routing.TargetState;
import dev.cutover.model.routing.TrafficRouter;
import dev.cutover.store.DeploymentRow;
import dev.cutover.store.Deployments;
import dev.cutover.store.Environments;
import dev.cutover.store.InstanceRow;
import dev.cutover.store.Instances;
import dev.cutover.store.ReleaseRuns;
import dev.cutover.store.Releases;
import dev.cutover.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's heartbeat. Each tick, on one thread: read the agent's report and the router's acknowledgement,
 * run the planner for every unfinished deployment and carry out its actions in one transaction with the new state,
 * then publish the agent's desired state and the routing table derived from the store. A tick that throws is
 * logged and counted; the loop goes on.
 *
 * <p>Deployments resume after a restart by construction: the state is in the store, and every action is idempotent.
 */
public final class ControlLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);
    static final Duration TICK = Duration.ofMillis(100);
    /** How long after it is stopped an instance's end is still recorded, and shown by the status. */
    public static final Duration RECENTLY_STOPPED = Duration.ofMinutes(2);
    /** How long a stopped instance still going through its stop signals is shown to its deployment, at most. */
    static final Duration STOPPING_AT_MOST = Duration.ofHours(1);
    /** How long a removed environment's last deployment stays readable after it succeeded. */
    static final Duration REMOVED_SHOWN = Duration.ofSeconds(2);
    private static final int LOG_TAIL_BYTES = 2048;
    /** How much of a release command's output is kept with its deployment: the end, where the errors are. */
    static final int RELEASE_OUTPUT_BYTES = 64 * 1024;

    private final Store store;
    private final AgentClient agent;
    private final TrafficRouter router;
    private final Clock clock;
    private final String host;
    private final ReleaseCatalog catalog;
    private final DesiredStates desired;
    private final RoutingTables routing;
    private final ScheduledExecutorService executor;
    private final AtomicLong failedTicks = new AtomicLong();
    /** The newest routing table the router acknowledged, as of the last tick; read by the API's threads. */
    private volatile RoutingTable routedTable = RoutingTable.EMPTY;
    /** The agent's last answer, or what kept it from answering; written by the loop's thread, read by the API's. */
    private volatile HostContact contact;
    private volatile boolean paused;
    /** Run on the loop's thread after each deployment has finished. */
    private volatile Runnable afterFinish = () -> {};
    /** Unfinished deployments this process has ticked and saved; touched only by the loop's thread. */
    private final Set<Long> resumed = new HashSet<>();

    /** The kind of deployment {@code cutover rollback} starts. */
    public static final String ROLLBACK = "rollback";
    /** The kind of deployment {@code cutover config set} and {@code unset} start: a new release with the new config. */
    public static final String CONFIG = "config";
    /** The kind of deployment {@code cutover scale} starts: the serving release, to other instance counts. */
    public static final String SCALE = "scale";
    /**
     * The kind of deployment {@code cutover apps delete} starts: the serving release, to no instance of any type;
     * when it succeeds and its instances have ended, the environment and its records are deleted.
     */
    public static final String REMOVE = "remove";

    public ControlLoop(Store store, ReleaseCatalog catalog, AgentClient agent, String host, TrafficRouter router,
            String domain, Clock clock) {
        this.store = store;
        this.agent = agent;
        this.router = router;
        this.clock = clock;
        this.host = host;
        this.catalog = catalog;
        this.desired = new DesiredStates(agent, catalog);
        this.routing = new RoutingTables(router, domain);
        this.contact = HostContact.none(host);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-control");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code action} after each deployment has finished, on the loop's thread: it should be quick. */
    public void afterEachFinish(Runnable action) {
        this.afterFinish = action;
    }

    public void start() {
        executor.scheduleWithFixedDelay(this::safeTick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long failedTicks() {
        return failedTicks.get();
    }

    /** The controller's last contact with the agent, as of the latest tick. */
    public HostContact contact() {
        return contact;
    }

    /**
     * Stops ticking, and returns once a tick in progress has ended: from then on nothing changes the routing table
     * or the agent's desired state until {@link #resume()}.
     */
    public void pause() {
        paused = true;
        try {
            executor.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: nothing ticks
        }
    }

    public void resume() {
        paused = false;
    }

    private void safeTick() {
        if (paused) {
            return;
        }
        try {
            tick();
        } catch (RuntimeException | Error e) {
            long n = failedTicks.incrementAndGet();
            if (n < 5 || n % 100 == 0) {
                LOG.error("control tick failed ({} so far); retrying next tick", n, e);
            }
        }
    }

    void tick() {
        AgentReport report;
        try {
            report = agent.report();
        } catch (RuntimeException e) {
            contact = contact.failed(e, desired.revision());
            throw e;
        }
        contact = contact.answered(clock.instant(), report.appliedRevision(), desired.revision());
        Map<String, InstanceReport> reports = new HashMap<>();
        report.instances().forEach(r -> reports.put(r.id(), r));
        Map<String, RunReport> runs = new HashMap<>();
        report.runs().forEach(r -> runs.put(r.id(), r));
        Map<String, TargetState> routed = routing.routed();
        routedTable = routing.acknowledgedTable();
        Map<String, TargetStats> stats = router.targetStats();
        Map<String, Integer> inFlight = new HashMap<>();
        for (TargetStats s : stats.values()) {
            inFlight.put(s.instance(), s.inFlight());
        }
        Map<String, GroupStats> groupStats = router.groupStats();
        recordEnds(reports);
        for (DeploymentRow d : store.read(Deployments::unfinished)) {
            advance(d, reports, runs, routed, inFlight, groupStats);
        }
        deleteRemoved(reports);
        store.read(h -> {
            List<InstanceRow> running = Instances.running(h);
            desired.publish(h, running, ReleaseRuns.wanted(h));
            routing.publish(Environments.all(h), running, reports, report, env -> routeOptions(h, env, running));
            return null;
        });
    }

    /**
     * Deletes each environment whose last deployment is a removal that succeeded, once no instance of it is still
     * going through its stop signals and {@link #REMOVED_SHOWN} has passed (so that a {@code cutover apps delete
     * --wait} following it reads its last events): from then on its name routes nowhere and is free for a new
     * environment.
     */
    private void deleteRemoved(Map<String, InstanceReport> reports) {
        Instant now = clock.instant();
        for (DeploymentRow d : store.read(h -> Deployments.latestFinished(h, REMOVE))) {
            if (!d.phase().equals(Phase.SUCCEEDED.word()) || d.finishedAt().plus(REMOVED_SHOWN).isAfter(now)) {
                continue;
            }
            boolean stopping = store.read(h -> Instances.endingIn(h, d.envId(), now.minus(STOPPING_AT_MOST)))
                    .stream().anyMatch(r -> reports.containsKey(r.id()) && reports.get(r.id()).phase().alive());
            if (stopping || !store.read(h -> Instances.runningIn(h, d.envId())).isEmpty()) {
                continue;
            }
            EnvRow removed = store.tx(h -> {
                // a deploy since the read above keeps the environment
                if (Deployments.latest(h, d.envId()).map(DeploymentRow::id).orElse(-1L) != d.id()) {
                    return null;
                }
                EnvRow env = Environments.get(h, d.envId());
                Environments.delete(h, d.envId());
                return env;
            });
            if (removed != null) {
                LOG.info("removed {}/{} (deployment {})", removed.app(), removed.name(), d.id());
            }
        }
    }

    /**
     * Records how each recently stopped instance ended once its agent reports it stopped (which signal stopped it,
     * after how long), and tells the deployment in progress in its environment, if any.
     */
    private void recordEnds(Map<String, InstanceReport> reports) {
        Instant now = clock.instant();
        List<InstanceRow> ending = store.read(h -> Instances.endingSince(h, now.minus(RECENTLY_STOPPED)));
        List<InstanceRow> ended = ending.stream().filter(r -> reports.containsKey(r.id())
                && reports.get(r.id()).phase() == InstancePhase.STOPPED).toList();
        if (ended.isEmpty()) {
            return;
        }
        store.tx(h -> {
            for (InstanceRow r : ended) {
                String how = reports.get(r.id()).reason();
                Instances.ended(h, r.id(), how);
                Deployments.inProgress(h, r.envId())
                        .ifPresent(d -> Deployments.addEvents(h, d.id(), now, List.of(r.id() + ": " + how)));
            }
            return null;
        });
    }

    /**
     * How the router splits an environment's new requests now, by release, from the newest table it acknowledged
     * (at most a tick old); empty when it routes none of the environment's instances.
     */
    public Map<Integer, Route.Share> traffic(String app, String env) {
        String name = RoutingTables.routeName(app, env);
        Map<Integer, Route.Share> byRelease = new TreeMap<>(Comparator.reverseOrder());
        for (Route route : routedTable.routes()) {
            if (route.environment().equals(name)) {
                route.shares().forEach(s -> byRelease.put(RoutingTables.release(s.group()), s));
            }
        }
        return byRelease;
    }

    private void advance(DeploymentRow d, Map<String, InstanceReport> reports, Map<String, RunReport> runs,
            Map<String, TargetState> routed, Map<String, Integer> inFlight, Map<String, GroupStats> groupStats) {
        Instant now = clock.instant();
        EnvRow env = store.read(h -> Environments.get(h, d.envId()));
        RolloutSpec spec = store.read(h -> {
            ReleaseInfo target = catalog.get(h, d.envId(), d.release());
            // the environment's counts (cutover scale) over the manifests'; a scale moves from them to its own
            ReleaseInfo previous = d.previousRelease() == null ? null : catalog.get(h, d.envId(), d.previousRelease());
            ReleaseShape stable = previous == null ? ReleaseShape.none()
                    : previous.shape().withCounts(env.formation());
            boolean scale = d.kind().equals(SCALE) || d.kind().equals(REMOVE);
            ReleaseShape goal = target.shape().withCounts(scale ? d.formation() : env.formation());
            // going back must never be blocked by a command: a rollback runs none (docs/decisions.md); nor does a
            // scale, which runs the release already serving
            String release = d.kind().equals(ROLLBACK) || scale ? null : target.manifest().release();
            DeployPolicy policy = scale ? target.manifest().deploy().forScaling()
                    : ReleaseCatalog.policyOf(d, target.manifest());
            // the way back has at least the deadline the stable release's own manifest gives it
            return new RolloutSpec(goal, stable, policy, release,
                    previous == null ? null : previous.manifest().deploy().deadline());
        });
        RolloutState saved = d.hasState() ? readState(d) : RolloutState.start(d.id(), now);
        // the first tick of a deployment in this process, after a restart: the time it was down counts for no wait
        RolloutState state = resumed.contains(d.id()) ? saved : saved.restarted(now);
        String runId = state.releaseRunId();
        Map<String, RunObservation> runObserved = new HashMap<>();
        if (runs.containsKey(runId)) {
            runObserved.put(runId, observe(runs.get(runId)));
        }
        List<InstanceRecord> inventory = new ArrayList<>(store.read(h -> Instances.runningIn(h, d.envId())).stream()
                .map(r -> new InstanceRecord(r.id(), r.release(), r.type(), r.running(), Routing.valueOf(r.routing())))
                .toList());
        // and those still going through their stop signals: a type that may not overlap waits for them
        for (InstanceRow r : store.read(h -> Instances.endingIn(h, d.envId(), now.minus(STOPPING_AT_MOST)))) {
            InstanceReport rep = reports.get(r.id());
            if (rep != null && rep.phase().alive()) {
                inventory.add(new InstanceRecord(r.id(), r.release(), r.type(), false, Routing.NONE));
            }
        }
        Map<String, Observation> observed = new HashMap<>();
        for (InstanceRecord r : inventory) {
            InstanceReport rep = reports.get(r.id());
            if (rep != null) {
                observed.put(r.id(), new Observation(rep.phase(), rep.reason(), rep.probes(), rep.restarts()));
            }
        }
        Map<Integer, Integer> desiredWeights = env.weights();
        String environment = RoutingTables.routeName(env.app(), env.name());
        Observations obs = new Observations(observed, runObserved, routed, routing.acknowledgedWeights(d.envId()),
                desiredWeights,
                routing.weightsPending(d.envId()), groups(environment, groupStats), inFlight, d.abortRequested(),
                d.rollbackRequested(), d.promotions(), d.paused(), now);
        Plan plan = Planner.plan(spec, state, inventory, obs);
        if (plan.actions().isEmpty() && plan.events().isEmpty() && plan.next().equals(saved)
                && d.hasState()) {
            resumed.add(d.id());
            return;
        }
        RolloutState next = withEvidence(state, plan.next());
        List<String> events = new ArrayList<>(plan.events());
        if (next != plan.next() && next.failure() != null) {
            // the failure's own event says what failed; this one adds the log lines behind it, not the message again
            events.add(next.failure().message().substring(plan.next().failure().message().length()).strip());
        }
        String json = writeState(next);
        // read before the transaction: the agent is not the store, and a slow read must not hold the write lock
        Map<String, RunEnd> ends = new HashMap<>();
        for (Action a : plan.actions()) {
            if (a instanceof Action.StopRun s) {
                ends.put(s.run(), end(s.run(), runs.get(s.run())));
            }
        }
        // A deployment that ends lets its release command go whatever the planner asked: no run outlives its
        // deployment, even one a tick started and never saved (ReleaseRuns.end counts only the first end).
        boolean endsRun = next.phase().finished() && spec.release() != null && !ends.containsKey(runId);
        if (endsRun) {
            ends.put(runId, end(runId, runs.get(runId)));
        }
        store.tx(h -> {
            for (Action a : plan.actions()) {
                switch (a) {
                    case Action.Launch l -> Instances.launch(h, l.instance(), d.envId(), l.release(), l.type(), host, now);
                    case Action.SetRouting s -> Instances.setRouting(h, s.instance(), s.routing().name());
                    case Action.Stop s -> Instances.stop(h, s.instance(), now);
                    case Action.SetWeights w -> Environments.setWeights(h, d.envId(), w.percentByRelease());
                    case Action.SetPreview p -> Environments.setPreview(h, d.envId(), p.release());
                    case Action.MarkServing m -> Environments.setServing(h, d.envId(), m.release());
                    case Action.StartRun r -> ReleaseRuns.start(h, d.id(), r.run(), r.command(), now);
                    case Action.StopRun s -> {
                        RunEnd e = ends.get(s.run());
                        ReleaseRuns.end(h, d.id(), now, e.outcome().word(), e.exitCode(), e.durationMillis(),
                                e.output());
                    }
                }
            }
            if (endsRun) {
                RunEnd e = ends.get(runId);
                ReleaseRuns.end(h, d.id(), now, e.outcome().word(), e.exitCode(), e.durationMillis(), e.output());
            }
            Phase phase = next.phase();
            Deployments.save(h, d.id(), phase.word(), json, phase.finished() ? now : null);
            Deployments.addEvents(h, d.id(), now, events);
            if (phase == Phase.SUCCEEDED) {
                Environments.setServing(h, d.envId(), d.release());
                if (d.kind().equals(SCALE)) {
                    Environments.setFormation(h, d.envId(), d.formation());
                }
                if (d.kind().equals(ROLLBACK)) {
                    // back to a release is back to its config too: what config list shows and config set starts from
                    configFollowsServing(h, d.envId());
                }
            }
            if (phase == Phase.ROLLED_BACK && d.kind().equals(CONFIG)) {
                // a config change that did not take is not the config any more: the one that serves is
                configFollowsServing(h, d.envId());
            }
            return null;
        });
        resumed.add(d.id());
        if (next.phase().finished()) {
            resumed.remove(d.id());
            LOG.info("deployment {} of v{} finished: {}", d.id(), d.release(), next.phase().word());
            afterFinish.run();
        }
    }

    /** What an agent's report of a run tells the planner. */
    static RunObservation observe(RunReport r) {
        Duration ran = r.startedAt() != null && r.endedAt() != null ? Duration.between(r.startedAt(), r.endedAt())
                : null;
        return switch (r.state()) {
            case STARTING, RUNNING, STOPPING -> new RunObservation.Running();
            case EXITED -> r.exitCode() == null ? new RunObservation.Lost(r.reason())
                    : new RunObservation.Exited(r.exitCode(), ran);
            case FAILED -> new RunObservation.StartFailed(r.reason());
            case LOST -> new RunObservation.Lost(r.reason());
        };
    }

    /** How a release command ended, and the end of its output, when its deployment lets it go. */
    private record RunEnd(ReleaseOutcome outcome, Integer exitCode, Long durationMillis, String output) {}

    private RunEnd end(String run, RunReport report) {
        String output;
        try {
            output = agent.readLog(run, -RELEASE_OUTPUT_BYTES, RELEASE_OUTPUT_BYTES).text();
        } catch (IOException | RuntimeException e) {
            output = "(output unavailable: " + e.getMessage() + ")";
        }
        ReleaseOutcome outcome = ReleaseOutcome.of(report);
        Long ran = report != null && report.startedAt() != null && report.endedAt() != null
                ? Duration.between(report.startedAt(), report.endedAt()).toMillis() : null;
        return new RunEnd(outcome, outcome == ReleaseOutcome.STOPPED ? null : report.exitCode(), ran, output);
    }

    /**
     * The routing options of the release that serves the environment; before a first deployment succeeded, those of
     * the newest release it runs.
     */
    private RouteOptions routeOptions(Handle h, EnvRow env, List<InstanceRow> running) {
        Integer release = env.servingRelease();
        if (release == null) {
            release = running.stream().filter(r -> r.envId() == env.id()).mapToInt(InstanceRow::release).max()
                    .stream().boxed().findFirst().orElse(null);
        }
        return release == null ? RouteOptions.DEFAULT : catalog.get(h, env.id(), release).manifest().routing();
    }

    /**
     * The router's counts per release of one environment, from its target groups (named {@code vN}): requests
     * answered, 5xx responses (the app's and those the router made), and the p99 latency since the group appeared.
     */
    static Map<Integer, GroupObservation> groups(String environment, Map<String, GroupStats> stats) {
        Map<Integer, GroupObservation> groups = new HashMap<>();
        for (GroupStats g : stats.values()) {
            if (!g.environment().equals(environment) || !g.group().matches("v\\d+")) {
                continue;
            }
            double p99 = g.latency() == null || g.latency().count() == 0 ? -1 : g.latency().quantileMicros(0.99) / 1000.0;
            groups.put(RoutingTables.release(g.group()), new GroupObservation(g.requests(),
                    g.responsesByClass().getOrDefault("5xx", 0L), p99));
        }
        return groups;
    }

    /**
     * On the tick a deployment fails, its failure message gains the last log lines of the failing instance, or of
     * the release command. Not when a person asked for it (abort, rollback): nothing failed that they would explain.
     */
    private RolloutState withEvidence(RolloutState before, RolloutState after) {
        Failure f = after.failure();
        if (f == null || before.failure() != null || f.instance() == null || f.reason() == FailureReason.ABORTED) {
            return after;
        }
        String tail;
        try {
            LogChunk chunk = agent.readLog(f.instance(), -LOG_TAIL_BYTES, LOG_TAIL_BYTES);
            tail = chunk.text().isBlank() ? "(no output)" : chunk.text().stripTrailing();
        } catch (IOException | RuntimeException e) {
            tail = "(log unavailable: " + e.getMessage() + ")";
        }
        String whose = f.instance().equals(after.releaseRunId()) ? "lines of the output of the release command ("
                + f.instance() + ")" : "log lines of " + f.instance();
        Failure enriched = new Failure(f.reason(), f.message() + "\nlast " + whose + ":\n"
                + tail.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse(""), f.instance());
        return after.withFailure(enriched);
    }

    /** A deployment's saved engine state. */
    public static RolloutState readState(DeploymentRow d) {
        try {
            return Json.mapper().readValue(d.state(), RolloutState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("deployment " + d.id() + " has an unreadable state in the store", e);
        }
    }

    private static String writeState(RolloutState s) {
        try {
            return Json.mapper().writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write deployment state", e);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The environment's config becomes the serving release's. */
    private static void configFollowsServing(Handle h, long envId) {
        EnvRow env = Environments.get(h, envId);
        if (env.servingRelease() != null) {
            Releases.get(h, envId, env.servingRelease()).ifPresent(serving ->
                    Environments.setConfigRevision(h, envId, serving.configRevision()));
        }
    }
}
