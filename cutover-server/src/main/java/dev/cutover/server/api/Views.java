package dev.cutover.server.api;

import dev.cutover.engine.rollout.Failure;
import dev.cutover.engine.rollout.RolloutState;
import dev.cutover.engine.rollout.Step;
import dev.cutover.model.agent.AgentClient;
import dev.cutover.model.agent.AgentReport;
import dev.cutover.model.agent.HostFacts;
import dev.cutover.model.agent.HostFacts.InstanceUsage;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.EventView;
import dev.cutover.model.api.HostView;
import dev.cutover.model.api.HostView.HostInstanceView;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.api.ReleaseCommandView;
import dev.cutover.model.api.ReleaseView;
import dev.cutover.model.api.StoppedInstanceView;
import dev.cutover.model.api.TrafficShare;
import dev.cutover.server.control.ControlLoop;
import dev.cutover.server.control.HostContact;
import dev.cutover.store.DeploymentRow;
import dev.cutover.store.Deployments;
import dev.cutover.store.EnvRow;
import dev.cutover.store.Environments;
import dev.cutover.store.InstanceRow;
import dev.cutover.store.Instances;
import dev.cutover.store.ReleaseRow;
import dev.cutover.store.ReleaseRunRow;
import dev.cutover.store.ReleaseRuns;
import dev.cutover.store.Releases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.jdbi.v3.core.Handle;

/** Turns store rows and agent reports into the API's views. Thread-safe; reads only. */
final class Views {

    private final AgentClient agent;
    private final ControlLoop loop;
    private final Clock clock;
    private final String domain;
    private final int httpPort;

    Views(AgentClient agent, ControlLoop loop, Clock clock, String domain, int httpPort) {
        this.agent = agent;
        this.loop = loop;
        this.clock = clock;
        this.domain = domain;
        this.httpPort = httpPort;
    }

    String url(EnvRow env) {
        return url(env, "");
    }

    /** {@code suffix}: {@code -preview} for the preview host, else empty. */
    private String url(EnvRow env, String suffix) {
        return "http://" + env.app() + "-" + env.name() + suffix + "." + domain + (httpPort == 80 ? "" : ":" + httpPort)
                + "/";
    }

    EnvStatus status(Handle h, EnvRow env) {
        ReleaseView serving = env.servingRelease() == null ? null
                : Releases.get(h, env.id(), env.servingRelease()).map(r -> release(r, env,
                        Deployments.firstOf(h, env.id(), r.number()).orElse(null))).orElse(null);
        DeploymentView deployment = Deployments.inProgress(h, env.id()).or(() -> Deployments.latest(h, env.id()))
                .map(d -> deployment(h, env, d, 0)).orElse(null);
        Map<String, InstanceReport> reports = new HashMap<>();
        agent.report().instances().forEach(r -> reports.put(r.id(), r));
        List<InstanceView> instances = new ArrayList<>();
        Map<Integer, String> versions = new HashMap<>();
        IntFunction<String> version = release -> versions.computeIfAbsent(release,
                n -> Releases.get(h, env.id(), n).map(ReleaseRow::version).orElse("?"));
        List<StoppedInstanceView> stopped = new ArrayList<>();
        Instant since = clock.instant().minus(ControlLoop.RECENTLY_STOPPED);
        for (InstanceRow row : Instances.recentIn(h, env.id(), since)) {
            InstanceReport rep = reports.get(row.id());
            if (!row.running() && (rep == null || !rep.phase().alive())) {
                stopped.add(new StoppedInstanceView(row.id(), row.type(), row.release(), version.apply(row.release()),
                        row.host(), row.stoppedAt(), ended(row, rep)));
                continue;
            }
            instances.add(new InstanceView(row.id(), row.type(), row.release(), version.apply(row.release()), row.host(),
                    rep == null ? "pending" : rep.phase().name().toLowerCase(),
                    rep == null ? "waiting for the agent" : rep.reason(),
                    rep == null ? 0 : rep.port(), rep == null ? 0 : rep.pid(), rep == null ? 0 : rep.restarts(),
                    row.routing().toLowerCase(), rep == null ? null : rep.startedAt()));
        }
        instances = heldOut(instances);
        List<TrafficShare> traffic = new ArrayList<>();
        loop.traffic(env.app(), env.name()).forEach((release, share) -> traffic.add(
                new TrafficShare(release, version.apply(release), share.percent(), share.activeTargets())));
        stopped.sort(Comparator.comparing(StoppedInstanceView::stoppedAt).thenComparing(StoppedInstanceView::id));
        return new EnvStatus(env.app(), env.name(), url(env), serving, deployment, instances, traffic, stopped,
                env.previewRelease() == 0 ? null : url(env, "-preview"), env.previewRelease());
    }

    /**
     * An active instance that is not healthy while another active one is gets nothing from the router (see
     * {@code RoutingTables}): its routing is {@code held out}. With none healthy, the router tries them all.
     */
    static List<InstanceView> heldOut(List<InstanceView> instances) {
        boolean anyHealthy = instances.stream().anyMatch(i -> i.routing().equals("active")
                && i.phase().equals("healthy"));
        if (!anyHealthy) {
            return instances;
        }
        return instances.stream().map(i -> !i.routing().equals("active") || i.phase().equals("healthy") ? i
                : new InstanceView(i.id(), i.type(), i.release(), i.version(), i.host(), i.phase(), i.reason(),
                        i.port(), i.pid(), i.restarts(), "held out", i.startedAt())).toList();
    }

    /** How a stopped instance ended: as recorded, else as its agent reports it now, else that nothing says. */
    static String ended(InstanceRow row, InstanceReport report) {
        if (row.ended() != null) {
            return row.ended();
        }
        return report != null ? report.reason() : "stopped; its agent did not report how it ended";
    }

    /** {@code made}: the deployment that made the release, or null. */
    static ReleaseView release(ReleaseRow r, EnvRow env, DeploymentRow made) {
        return new ReleaseView(r.number(), r.version(), r.build(), r.configRevision(), r.kind(),
                env.servingRelease() != null && env.servingRelease() == r.number(), r.createdAt(), outcome(made),
                r.buildDeletedAt());
    }

    /** {@code rolled-back (unhealthy)}: a deployment's phase, with the reason of its failure when it failed. */
    static String outcome(DeploymentRow d) {
        if (d == null) {
            return null;
        }
        Failure f = d.hasState() ? ControlLoop.readState(d).failure() : null;
        return f == null || d.phase().equals("succeeded") ? d.phase() : d.phase() + " (" + f.reason().word() + ")";
    }

    DeploymentView deployment(Handle h, EnvRow env, DeploymentRow d, int afterEvent) {
        String version = Releases.get(h, env.id(), d.release()).map(ReleaseRow::version).orElse("?");
        List<EventView> events = Deployments.events(h, d.id(), afterEvent).stream()
                .map(e -> new EventView(e.seq(), e.at(), e.message())).toList();
        String step = "starting";
        String reason = null;
        String message = null;
        String awaiting = null;
        String failedInstance = null;
        if (d.hasState()) {
            RolloutState state = ControlLoop.readState(d);
            step = describe(state, clock.instant());
            awaiting = state.pausedAt() != null && d.finishedAt() == null ? "resume"
                    : switch (state.step()) {
                        // keep-old's first watch is still a verdict to wait for
                        case Step.KeepOld k -> k.settling() || k.watched() != null ? null : "keep-old";
                        case Step.Bake b when b.until() == null && !b.analysisStep() -> "promote";
                        default -> null;
                    };
            Failure f = state.failure();
            if (f != null) {
                reason = f.reason().word();
                message = f.message();
                failedInstance = f.instance();
            }
        }
        ReleaseCommandView release = ReleaseRuns.of(h, d.id()).map(Views::releaseCommand).orElse(null);
        return new DeploymentView(d.id(), env.app(), env.name(), d.release(), d.previousRelease(), version, d.kind(),
                d.strategy(), d.phase(), step, reason, message, d.createdAt(), d.finishedAt(), events,
                d.finishedAt() == null ? awaiting : null, release, failedInstance);
    }

    static ReleaseCommandView releaseCommand(ReleaseRunRow r) {
        return new ReleaseCommandView(r.command(), r.run(), r.ended() ? r.outcome() : "running", r.exitCode(),
                r.startedAt(), r.endedAt(), r.durationMillis(), r.output());
    }

    static String describe(RolloutState state, Instant current) {
        // paused, every deadline stands still (resume moves them on by the pause): what is left is what was left then
        Instant now = state.pausedAt() != null ? state.pausedAt() : current;
        // paused, a promotion is kept for the resume
        String promote = state.pausedAt() != null ? "; cutover promote ends it once resumed"
                : "; cutover promote ends it now";
        String step = switch (state.step()) {
            case Step.Choose c -> "choosing the next step";
            case Step.AwaitRelease r -> "running the release command as " + r.run() + " (deadline in "
                    + left(r.deadline(), now) + ")";
            case Step.AwaitReady r -> "waiting for " + String.join(", ", r.instances()) + " to become healthy"
                    + " (deadline in " + left(r.deadline(), now) + ")";
            case Step.AwaitRouted r -> "waiting for the router to route to " + String.join(", ", r.instances());
            case Step.AwaitDrained r -> "draining " + String.join(", ", r.instances())
                    + " (stop signal at the latest in " + left(r.deadline(), now) + ")";
            case Step.AwaitWeights w -> "waiting for the router to " + split(w.weights());
            case Step.Bake b -> b.until() != null ? "baking (" + left(b.until(), now) + " left)"
                    : b.analysis() != null && b.analysisStep() ? "analysing the candidate's traffic"
                    : "paused until cutover promote";
            case Step.KeepOld k -> k.settling() ? "watching the new set with all traffic before draining the old one ("
                    + left(k.until(), now) + " left)"
                    : k.watched() != null ? "watching the new set with all traffic, the old one warm (" + left(k.watched(),
                    now) + " left of the watch, " + left(k.until(), now) + " of keep-old" + promote + ")"
                    : "keeping the old set warm for an instant rollback (" + left(k.until(), now)
                    + " left" + promote + ")";
            case Step.Watch w -> w.extended() ? "watching the new release on: an instance's latest probe failed, "
                    + "waiting for its probes to decide"
                    : "watching the new release with all traffic before the deployment is done (" + left(w.until(), now)
                    + " left)";
            case Step.Done d -> "done";
        };
        return state.pausedAt() != null ? "paused on request (cutover resume): " + step : step;
    }

    /** {@code send v4 10%, v3 90%}, newest release first; no weights: by instance count, as outside a deployment. */
    static String split(Map<Integer, Integer> weights) {
        if (weights.isEmpty()) {
            return "split traffic by instance count again";
        }
        StringJoiner parts = new StringJoiner(", ", "send ", "");
        new TreeMap<>(weights).descendingMap().forEach((release, percent) -> parts.add(TrafficShare.label(release,
                percent)));
        return parts.toString();
    }

    private static String left(Instant deadline, Instant now) {
        long s = Math.max(0, Duration.between(now, deadline).toSeconds());
        return s + "s";
    }

    List<EnvRow> envs(Handle h) {
        return Environments.all(h);
    }

    /**
     * A host: the control loop's last contact with its agent, what the agent reads of the host now, and every
     * instance with a live process there, with what its process group uses.
     */
    HostView host(Handle h) {
        HostContact contact = loop.contact();
        String error = contact.error();
        AgentReport report = null;
        HostFacts facts = null;
        try {
            report = agent.report();
            facts = agent.facts();
        } catch (RuntimeException e) {
            error = error != null ? error : "cannot read the host from its agent: " + e.getMessage();
        }
        List<HostInstanceView> instances = new ArrayList<>();
        if (report != null) {
            Map<String, InstanceUsage> usage = new HashMap<>();
            if (facts != null) {
                facts.instances().forEach(u -> usage.put(u.id(), u));
            }
            Map<String, InstanceReport> alive = new HashMap<>();
            report.instances().stream().filter(r -> r.phase().alive()).forEach(r -> alive.put(r.id(), r));
            Map<Long, EnvRow> envs = new HashMap<>();
            for (InstanceRow row : Instances.byIds(h, alive.keySet())) {
                EnvRow env = envs.computeIfAbsent(row.envId(), id -> Environments.get(h, id));
                InstanceReport rep = alive.get(row.id());
                InstanceUsage use = usage.get(row.id());
                String version = Releases.get(h, env.id(), row.release()).map(ReleaseRow::version).orElse("?");
                instances.add(new HostInstanceView(row.id(), env.app(), env.name(), row.release(), version, row.type(),
                        rep.phase().name().toLowerCase(), rep.port(), rep.pid(), use == null ? -1 : use.memory(),
                        use == null ? -1 : use.cpuSeconds(), use == null ? 0 : use.processes(), rep.startedAt()));
            }
            instances.sort(Comparator.comparing(HostInstanceView::app).thenComparing(HostInstanceView::env)
                    .thenComparing(HostInstanceView::id));
        }
        String state = contact.up(clock.instant()) ? "up" : "silent";
        String address = facts != null ? facts.address() : report != null ? report.address() : null;
        if (facts == null) {
            return new HostView(contact.host(), address, state, contact.lastReport(), error,
                    contact.revisionApplied(), contact.revisionHanded(), null, -1, List.of(-1.0, -1.0, -1.0), -1, -1,
                    -1, -1, null, instances);
        }
        return new HostView(contact.host(), address, state, contact.lastReport(), error, contact.revisionApplied(),
                contact.revisionHanded(), facts.system(), facts.cpus(), facts.load(), facts.memoryTotal(),
                facts.memoryAvailable(), facts.diskTotal(), facts.diskFree(), facts.agentStarted(), instances);
    }
}
