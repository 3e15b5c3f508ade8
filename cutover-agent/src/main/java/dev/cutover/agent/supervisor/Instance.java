package dev.cutover.agent.supervisor;

import dev.cutover.agent.build.BuildException;
import dev.cutover.agent.health.HealthCounter;
import dev.cutover.agent.health.HealthCounter.Health;
import dev.cutover.agent.health.ProbeResult;
import dev.cutover.agent.health.Prober;
import dev.cutover.agent.process.ExitStatus;
import dev.cutover.agent.process.GroupMembers;
import dev.cutover.agent.process.LaunchSpec;
import dev.cutover.agent.process.ProcFs;
import dev.cutover.agent.process.Signal;
import dev.cutover.agent.process.Strays;
import dev.cutover.agent.process.SupervisedProcess;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.manifest.DurationText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance on this host and its state machine ({@link InstancePhase} draws it). The reconcile loop calls
 * {@link #tick}; launches and stops run as tasks; exits and probe results arrive from other threads. All state is
 * guarded by {@code this}; each event carries the launch generation it belongs to and is dropped when stale.
 *
 * <pre>
 *  (new) ─tick─▶ STARTING ─launched─▶ STARTING ─probes─▶ HEALTHY ⇄ UNHEALTHY      (listening)
 *                   │                    └─launched─▶ RUNNING                       (not listening)
 *                   └─build or launch error─▶ FAILED
 *  alive ─exit─▶ BACKOFF | CRASH_LOOPING ─tick, delay over─▶ STARTING (restarts + 1)
 *  alive ─undesired─▶ STOPPING ─group gone─▶ STOPPED ─desired again─▶ STARTING
 *  UNHEALTHY for health.restart-after ─▶ STOPPING ─group gone─▶ BACKOFF | CRASH_LOOPING    (as an exit)
 * </pre>
 */
final class Instance {

    private static final Logger log = LoggerFactory.getLogger(Instance.class);
    static final int PROBE_HISTORY = 10;
    /** How long a process left running outside the group gets between SIGTERM and SIGKILL. */
    static final Duration STRAY_GRACE = Duration.ofSeconds(5);

    private final String id;
    private final Services services;
    private final RestartPolicy restartPolicy;
    private final Deque<String> probes = new ArrayDeque<>();

    // Guarded by this.
    private InstanceSpec spec;
    private boolean desired = true;
    private long removedInRevision;
    private boolean directoryRemoved;
    private InstancePhase phase = InstancePhase.STARTING;
    private String reason = "starting: waiting for the reconcile loop";
    /** Adopted as healthy, and no probe of this agent has passed yet. */
    private boolean adoptedHealthy;
    private Instant stoppedAt;
    /** Since when it has failed its probes without a pass in between; null while it is not unhealthy. */
    private Instant unhealthySince;
    /** Why the stop under way is a restart ({@code health.restart-after}); null for a stop that was asked for. */
    private String healing;
    private int port;
    private int restarts;
    private SupervisedProcess process;
    private Instant startedAt;
    private int generation;
    private boolean launching;
    private boolean stopping;
    /** When the stop sequence under way began; a restarted agent adopting a stopping process goes on from it. */
    private Instant stopSince;
    private Instant nextStartAt;
    private Instant upSince;
    private HealthCounter health;
    private Prober.Probing probing;
    private boolean closed;

    Instance(InstanceSpec spec, Services services) {
        this.id = spec.id();
        this.spec = spec;
        this.services = services;
        this.restartPolicy = new RestartPolicy(services.random());
    }

    /** An instance from state.json, with its process if that is still the same process. */
    static Instance restore(InstanceRecord record, Optional<SupervisedProcess> adopted, Services services) {
        Instance instance = new Instance(record.spec(), services);
        synchronized (instance) {
            instance.port = record.port();
            instance.restarts = record.restarts();
            if (adopted.isPresent()) {
                instance.adopt(adopted.get(), record.phase());
                if (record.phase() == InstancePhase.STOPPING) {
                    instance.stopSince = record.stopSince();
                }
            } else if (record.pid() > 0 && record.phase() != null && record.phase().alive()
                    && record.phase() != InstancePhase.STOPPING) {
                // it ran when the last agent saved it: it exited while no agent watched it, and counts as an exit
                // (a restart, the crash-loop count), or a deployment would take the new process for its first
                instance.restartLater("exited while no agent was running (pid " + record.pid() + " was gone or "
                        + "another process when the agent started)", "starting again");
            } else if (record.pid() > 0 && record.phase() == InstancePhase.STOPPING) {
                // its stop was asked for and begun: it went as asked, only nobody saw how
                instance.becomeStopped("stopped while no agent was running: its stop signal had been sent (pid "
                        + record.pid() + " was gone when the agent started)");
            } else {
                instance.becomeStopped(record.pid() > 0
                        ? "lost: pid " + record.pid() + " was gone or another process when the agent started"
                        : "not running when the agent started");
            }
        }
        return instance;
    }

    private void adopt(SupervisedProcess proc, InstancePhase savedPhase) {
        int gen = ++generation;
        process = proc;
        startedAt = ProcFs.startInstant(proc.startTime());
        Instant now = services.clock().instant();
        if (spec.listens()) {
            // Saved healthy: stay healthy until probes say otherwise, so an agent restart does not flap traffic.
            boolean wasHealthy = savedPhase == InstancePhase.HEALTHY;
            health = new HealthCounter(spec.health(), wasHealthy ? Health.HEALTHY : Health.STARTING);
            phase = wasHealthy ? InstancePhase.HEALTHY : InstancePhase.STARTING;
            upSince = wasHealthy ? now : null;
            probing = startProbing(gen, spec, port);
        } else {
            phase = InstancePhase.RUNNING;
            upSince = now;
        }
        reason = "adopted: pid " + proc.pid() + " after an agent restart";
        adoptedHealthy = phase == InstancePhase.HEALTHY;
        watchExit(gen, proc);
    }

    String id() {
        return id;
    }

    // ---- decisions of the reconcile loop ----

    synchronized void desire(InstanceSpec newSpec) {
        spec = newSpec; // used from the next (re)start on; a running process keeps what it was started with
        desired = true;
        if (!stopping) {
            stopSince = null; // an adopted stop that is not wanted any more
        }
        directoryRemoved = false;
    }

    synchronized void undesire(long revision) {
        if (desired) {
            desired = false;
            removedInRevision = revision;
        }
    }

    /**
     * Stopped at least {@link Supervisor#REPORTED_AFTER_STOP} before {@code now}, and removed by a revision before
     * {@code revision}: the report may drop it.
     */
    synchronized boolean forgettable(long revision, Instant now) {
        return !desired && removedInRevision < revision && phase == InstancePhase.STOPPED && idle()
                && !now.isBefore(stoppedAt.plus(Supervisor.REPORTED_AFTER_STOP));
    }

    private void becomeStopped(String why) {
        phase = InstancePhase.STOPPED;
        reason = why;
        stoppedAt = services.clock().instant();
    }

    /**
     * Stopped, no longer wanted, and its working directory not yet removed: the directory may go now, while its
     * report stays until {@link #forgettable}. Marks it removed; wanted again, the instance starts in a fresh one.
     */
    synchronized boolean takeLeftoverDirectory() {
        if (desired || directoryRemoved || phase != InstancePhase.STOPPED || !idle()) {
            return false;
        }
        directoryRemoved = true;
        return true;
    }

    private boolean idle() {
        return process == null && !launching && !stopping;
    }

    /** Advances the state machine; {@code mayAct} is false until the first desired state after the agent started. */
    synchronized void tick(Instant now, boolean mayAct) {
        if (closed) {
            return;
        }
        if (upSince != null) {
            restartPolicy.up(upSince, now);
        }
        if (!mayAct) {
            return;
        }
        if (desired) {
            if (overdueForRestart(now)) {
                heal();
                return;
            }
            if (!idle()) {
                return;
            }
            switch (phase) {
                case STARTING, STOPPED, RUNNING, HEALTHY, UNHEALTHY, STOPPING -> launch(false);
                case BACKOFF, CRASH_LOOPING -> {
                    if (!now.isBefore(nextStartAt)) {
                        launch(true);
                    }
                }
                case FAILED -> {} // not retried: the same spec would fail the same way
            }
        } else if (process != null && !stopping) {
            beginStop();
        } else if (idle() && phase != InstancePhase.STOPPED) {
            becomeStopped("stopped: removed from the desired state while " + reason);
            services.changed().run();
        }
    }

    // ---- launch ----

    private void launch(boolean restart) {
        launching = true;
        unhealthySince = null;
        if (restart) {
            restarts++;
        }
        int gen = ++generation;
        InstanceSpec s = spec;
        int wantPort = port;
        phase = InstancePhase.STARTING;
        reason = "starting: preparing build " + abbreviate(s.build());
        services.tasks().execute(() -> runLaunch(gen, s, wantPort));
        services.changed().run();
    }

    private void runLaunch(int gen, InstanceSpec s, int wantPort) {
        try {
            Path release = services.builds().release(s.build());
            Path work = services.workingDirectory(id);
            services.builds().prepareWorkingDirectory(release, work);
            int p = s.listens() ? services.ports().reserve(id, wantPort) : 0;
            LaunchSpec launch = new LaunchSpec(s.command(), work, environment(s, work, p), services.logFile(id));
            if (!aboutToLaunch(gen, p)) {
                return; // closed meanwhile: the agent is going, and starts nothing more
            }
            // On disk before the fork: an agent killed between starting the process and its next save leaves a
            // record with this port and no pid, and the next agent finds the process in its working directory.
            services.persist().run();
            SupervisedProcess proc = services.launcher().launch(launch);
            launched(gen, s, proc, p);
        } catch (BuildException e) {
            failed(gen, e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("instance {}: cannot start", id, e);
            failed(gen, "cannot start: " + e);
        }
    }

    private synchronized boolean aboutToLaunch(int gen, int p) {
        if (closed) {
            launching = false;
            return false;
        }
        if (gen == generation) {
            port = p;
        }
        return true;
    }

    /** A clean environment: nothing from the agent but PATH and LANG. */
    private Map<String, String> environment(InstanceSpec s, Path work, int p) {
        return InstanceEnvironment.of(services.baseEnvironment(), s, id, work, s.listens() ? p : 0);
    }

    private synchronized void launched(int gen, InstanceSpec s, SupervisedProcess proc, int p) {
        launching = false;
        if (closed) {
            return;
        }
        process = proc;
        port = p;
        startedAt = services.clock().instant();
        upSince = null;
        probes.clear();
        services.changed().run();
        if (!desired) {
            beginStop(); // removed while it was starting
            watchExit(gen, proc);
            return;
        }
        if (s.listens()) {
            phase = InstancePhase.STARTING;
            reason = "starting: pid " + proc.pid() + ", waiting for " + s.health().describe();
            health = new HealthCounter(s.health(), Health.STARTING);
            probing = startProbing(gen, s, p);
        } else {
            phase = InstancePhase.RUNNING;
            reason = "running: pid " + proc.pid();
            upSince = startedAt;
        }
        log.info("instance {}: started pid {}{}", id, proc.pid(), s.listens() ? " on port " + p : "");
        // Last: an exit that already happened runs exited() right here, on top of the state set above.
        watchExit(gen, proc);
    }

    private synchronized void failed(int gen, String message) {
        launching = false;
        if (closed || gen != generation) {
            return;
        }
        log.warn("instance {}: failed: {}", id, message);
        phase = InstancePhase.FAILED;
        reason = message;
        services.changed().run();
    }

    // ---- exit and restart ----

    /**
     * On exit, what the process left running, outside its group and in it, is looked for before the lock is taken
     * (and before what is left in the group is killed).
     */
    private void watchExit(int gen, SupervisedProcess proc) {
        proc.onExit().thenAccept(status -> exited(gen, status, Strays.of(id, proc.pid()),
                returnedZero(status) ? GroupMembers.leftBy(proc.pid()) : List.of()));
    }

    private static boolean returnedZero(ExitStatus status) {
        return status instanceof ExitStatus.Exited(int code) && code == 0;
    }

    /**
     * {@code strays}: processes it left running outside its group, which are stopped now (see {@link Strays});
     * {@code inGroup}: after an exit with 0, what is still alive in its group (looked for only then), named in the
     * reason; whatever is left in the group is killed below unless the instance is stopping (then the stop sequence
     * waits for the whole group).
     */
    private synchronized void exited(int gen, ExitStatus status, List<Strays.Stray> strays,
            List<Strays.Stray> inGroup) {
        if (!strays.isEmpty()) {
            log.warn("instance {}: stopping what it left running outside its process group: {}", id,
                    Strays.describe(strays));
            services.tasks().execute(() -> stopStrays(strays));
        }
        if (closed || gen != generation || process == null) {
            return;
        }
        SupervisedProcess gone = process;
        stopProbing();
        process = null;
        startedAt = null;
        upSince = null;
        services.changed().run();
        if (stopping) {
            return; // the stop task finishes once the whole group is gone
        }
        // The leader is gone; what else it left in its group belongs to no one now.
        services.tasks().execute(() -> killLeftovers(gone));
        // A command that returned 0 with the app still running in its group started the app and returned; after
        // a crash, what is left in the group is the crashed app's helpers on their way out, and is just killed.
        List<Strays.Stray> left = new ArrayList<>(inGroup);
        left.addAll(strays);
        String happened = status.describe() + (left.isEmpty() ? "" : ", and left " + Strays.describe(left)
                + " running in the background (stopped now; the command must keep the app in the foreground, not "
                + "start it and return)");
        if (!desired) {
            becomeStopped("stopped: " + happened);
            return;
        }
        restartLater(happened, "restarting");
        log.info("instance {} (pid {}): {}", id, gone.pid(), reason);
    }

    /**
     * After an exit, or a restart for health: the next start waits for the restart policy's backoff, and the
     * reason says what happened and when it starts again ({@code "exited with code 1, restarting in 0.2s"}).
     */
    private void restartLater(String happened, String again) {
        Instant now = services.clock().instant();
        RestartPolicy.Decision d = restartPolicy.onExit(now);
        nextStartAt = now.plus(d.delay());
        String restarting = happened + ", " + again + " in " + StopSequence.seconds(d.delay());
        if (d.crashLooping()) {
            phase = InstancePhase.CRASH_LOOPING;
            reason = "crash looping: " + d.recentExits() + " exits within "
                    + DurationText.format(RestartPolicy.CRASH_WINDOW) + "; " + restarting;
        } else {
            phase = InstancePhase.BACKOFF;
            reason = restarting;
        }
    }

    private void stopStrays(List<Strays.Stray> strays) {
        try {
            Strays.stop(strays, STRAY_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("instance {}: cannot stop what it left running: {}", id, Strays.describe(strays), e);
        }
    }

    private void killLeftovers(SupervisedProcess gone) {
        try {
            if (gone.signalGroup(Signal.KILL)) {
                log.info("instance {}: killed what was left of process group {}", id, gone.pid());
            }
        } catch (RuntimeException e) {
            log.warn("instance {}: cannot kill process group {}", id, gone.pid(), e);
        }
    }

    // ---- health ----

    /** A command probe runs in the instance's working directory with its environment. */
    private Prober.Probing startProbing(int gen, InstanceSpec s, int p) {
        Path work = services.workingDirectory(id);
        PortCheck check = new PortCheck();
        return services.prober().start(s.health(), p, work, environment(s, work, p),
                r -> probed(gen, r, r.refused() ? check.refused(groupId(), p) : null));
    }

    private synchronized long groupId() {
        return process == null ? 0 : process.pid();
    }

    /** {@code why}: what the instance listens on, when a refused probe says something is wrong with it. */
    private synchronized void probed(int gen, ProbeResult result, String why) {
        if (closed || gen != generation || process == null || stopping) {
            return;
        }
        probes.addLast(result.line(services.clock().getZone()));
        while (probes.size() > PROBE_HISTORY) {
            probes.removeFirst();
        }
        Health before = health.health();
        Duration startPeriod = spec.health().startPeriod();
        boolean inStartPeriod = startPeriod != null && startedAt != null
                && result.at().isBefore(startedAt.plus(startPeriod));
        Health after = health.observe(result.passed(), inStartPeriod);
        switch (after) {
            case HEALTHY -> {
                unhealthySince = null;
                if (before != Health.HEALTHY) {
                    phase = InstancePhase.HEALTHY;
                    reason = "healthy: " + plural(health.consecutivePasses(), "probe") + " passed: " + result.outcome();
                    upSince = result.at();
                    services.changed().run();
                } else if (adoptedHealthy) {
                    // adopted as healthy: the first probe of this agent confirms it, and the reason says so
                    reason = "healthy: " + plural(health.consecutivePasses(), "probe") + " passed since adopted: "
                            + result.outcome();
                    services.changed().run();
                }
                adoptedHealthy = false;
            }
            case UNHEALTHY -> {
                phase = InstancePhase.UNHEALTHY;
                reason = "unhealthy: " + plural(health.consecutiveFailures(), "probe") + " failed"
                        + (before == Health.STARTING ? " after the start period" : "") + ": " + result.outcome()
                        + because(why);
                if (before != Health.UNHEALTHY) {
                    upSince = null;
                    unhealthySince = result.at();
                    services.changed().run();
                }
            }
            case STARTING -> {
                if (!result.passed()) {
                    reason = "starting: " + (inStartPeriod ? "in the start period, " : "") + "waiting for "
                            + spec.health().describe() + ": " + result.outcome() + because(why);
                }
            }
        }
    }

    /** {@code " (why)"}, or nothing without a why. */
    private static String because(String why) {
        return why == null ? "" : " (" + why + ")";
    }

    private void stopProbing() {
        if (probing != null) {
            probing.close();
            probing = null;
        }
    }

    // ---- stop ----

    private void beginStop() {
        stopping = true;
        stopProbing();
        phase = InstancePhase.STOPPING;
        reason = "stopping";
        SupervisedProcess proc = process;
        List<Signal> signals = new ArrayList<>();
        for (String name : spec.stopSignals()) {
            signals.add(Signal.parse(name));
        }
        if (signals.isEmpty()) {
            signals.add(Signal.INT);
        }
        Duration timeout = spec.stopTimeout();
        // adopted while stopping: the sequence goes on where the time since it began puts it
        Instant now = services.clock().instant();
        if (stopSince == null || stopSince.isAfter(now)) {
            stopSince = now;
        }
        Duration already = Duration.between(stopSince, now);
        services.tasks().execute(() -> StopSequence.runFor("instance " + id, proc, signals, timeout, already,
                this::setReason, this::stopped));
        services.changed().run();
    }

    private synchronized void setReason(String text) {
        if (!closed && stopping) {
            reason = healing != null ? "restarting for health: " + text : text;
        }
    }

    private synchronized void stopped(String text) {
        if (closed) {
            return;
        }
        stopping = false;
        stopSince = null;
        process = null;
        startedAt = null;
        String why = healing;
        healing = null;
        if (why != null && desired) {
            // a restart for health counts as an exit: the same backoff, and the same crash-loop limit
            restartLater("restarted for health: " + why + "; " + text, "starting again");
            log.info("instance {}: {}", id, reason);
            services.changed().run();
            return;
        }
        becomeStopped(text);
        log.info("instance {}: {}", id, text);
        services.changed().run();
    }

    /**
     * Unhealthy without a pass for {@code health.restart-after}, and running: it is to be restarted. So is one that
     * was restarted (after an exit, or by this) and has not passed since, that long after its start: a restart that
     * hangs would otherwise stay {@code starting} for good. A first start is its deployment's to judge.
     */
    private boolean overdueForRestart(Instant now) {
        Duration after = spec.health() == null ? null : spec.health().restartAfter();
        if (after == null || process == null || stopping || launching) {
            return false;
        }
        if (phase == InstancePhase.UNHEALTHY) {
            return unhealthySince != null && !now.isBefore(unhealthySince.plus(after));
        }
        return phase == InstancePhase.STARTING && restarts > 0 && startedAt != null
                && !now.isBefore(startedAt.plus(after));
    }

    /** Restarts an instance that has stayed unhealthy: its stop signals first, so that it can finish in-flight work. */
    private void heal() {
        String why = phase == InstancePhase.STARTING
                ? "not healthy " + DurationText.format(spec.health().restartAfter()) + " after its restart ("
                        + reason.replaceFirst("^starting: ", "") + ")"
                : "unhealthy for " + DurationText.format(spec.health().restartAfter()) + " ("
                        + reason.replaceFirst("^unhealthy: ", "") + ")";
        log.info("instance {} (pid {}): restarting: {}", id, process.pid(), why);
        unhealthySince = null;
        beginStop();
        healing = why;
        reason = "restarting: " + why;
    }

    // ---- views ----

    synchronized InstanceReport report() {
        return new InstanceReport(id, phase, reason, process == null ? 0 : process.pid(), port, restarts, startedAt,
                List.copyOf(probes));
    }

    synchronized InstanceSpec spec() {
        return spec;
    }

    /**
     * The build the instance runs or may start from again: while it is desired, or until it has stopped (or failed
     * to start); empty once it has, since an instance removed from the desired state is not started again unless a
     * later one lists it, and then its build is fetched again if it went.
     */
    synchronized Optional<String> buildInUse() {
        return desired || (phase != InstancePhase.STOPPED && phase != InstancePhase.FAILED)
                ? Optional.of(spec.build()) : Optional.empty();
    }

    synchronized InstancePhase phase() {
        return phase;
    }

    /** What state.json keeps; empty when there is nothing to adopt or restart. */
    synchronized Optional<InstanceRecord> record() {
        if (!desired && process == null) {
            return Optional.empty();
        }
        return Optional.of(new InstanceRecord(id, spec, process == null ? 0 : process.pid(),
                process == null ? 0 : process.startTime(), port, services.logFile(id).toString(), restarts, phase,
                stopping ? stopSince : null));
    }

    /** Stops reacting to events; the process, if any, keeps running. */
    synchronized void close() {
        closed = true;
        stopProbing();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
