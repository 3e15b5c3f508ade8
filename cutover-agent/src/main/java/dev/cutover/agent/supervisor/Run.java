package dev.cutover.agent.supervisor;

import dev.cutover.agent.build.BuildException;
import dev.cutover.agent.process.ExitStatus;
import dev.cutover.agent.process.LaunchSpec;
import dev.cutover.agent.process.ProcFs;
import dev.cutover.agent.process.ProcessLauncher;
import dev.cutover.agent.process.Signal;
import dev.cutover.agent.process.SupervisedProcess;
import dev.cutover.agent.supervisor.RunDirectory.RunRecord;
import dev.cutover.model.agent.RunReport;
import dev.cutover.model.agent.RunSpec;
import dev.cutover.model.agent.RunState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One one-off run on this host, run to completion once ({@link RunState} draws its states). The reconcile loop calls
 * {@link #tick}; the launch and the stop run as tasks; the exit arrives from another thread. All state is guarded by
 * {@code this}, which is also held while the run's small record file is written (a few milliseconds), so that the
 * record on disk never lags behind what is reported.
 *
 * <p>Never started twice: the record is on disk before the process is started, and a restarted agent that finds a
 * record adopts the process, reads its exit code, or reports it lost; it never starts it again.
 */
final class Run {

    private static final Logger log = LoggerFactory.getLogger(Run.class);

    private final RunSpec spec;
    private final RunDirectory dir;
    private final Services services;

    // Guarded by this.
    private boolean desired = true;
    private RunState state = RunState.STARTING;
    private String reason = "starting: waiting for the reconcile loop";
    private SupervisedProcess process;
    private Instant startedAt;
    private Instant endedAt;
    /** Whether a previous agent started it: its end is then read from its exit file's time. */
    private boolean restored;
    private Integer exitCode;
    private boolean launching;
    private boolean stopping;
    private boolean closed;

    /** The build the run runs while it has not ended (it is never started again after), or empty. */
    synchronized Optional<String> buildInUse() {
        return endedAt == null ? Optional.ofNullable(spec.build()) : Optional.empty();
    }

        Run(RunSpec spec, Services services) {
        this.spec = spec;
        this.services = services;
        this.dir = services.runDirectory(spec.id());
    }

    /** A run a previous agent recorded: adopted when its process still runs, else ended by what it left behind. */
    static Run restore(RunRecord record, RunDirectory dir, ProcessLauncher launcher, Services services) {
        Run run = new Run(record.spec(), services);
        synchronized (run) {
            run.restored = true;
            run.startedAt = record.startedAt();
            if (record.state().ended()) {
                run.state = record.state();
                run.exitCode = record.exitCode();
                run.endedAt = record.endedAt();
                run.reason = record.reason();
                return run;
            }
            Optional<SupervisedProcess> proc = record.pid() > 0 ? launcher.adopt(record.pid(), record.startTime())
                    // stopped between starting it and writing its pid down: find it by its working directory
                    : ProcFs.groupLeaderIn(dir.work()).flatMap(s -> launcher.adopt(s.pid(), s.startTime()));
            if (proc.isPresent()) {
                run.process = proc.get();
                run.state = RunState.RUNNING;
                run.reason = "adopted: pid " + proc.get().pid() + " after an agent restart";
                if (run.startedAt == null) {
                    run.startedAt = ProcFs.startInstant(proc.get().startTime());
                }
                log.info("run {}: adopted pid {}", run.spec.id(), proc.get().pid());
                SupervisedProcess p = proc.get();
                p.onExit().thenAccept(status -> run.exited(p, status));
            } else {
                run.ended(record.pid() > 0 ? "pid " + record.pid() + " was gone when the agent started"
                        : "the agent stopped while starting it, no process of it was found");
            }
            run.save();
        }
        return run;
    }

    /** A run whose record cannot be read: it may have run, so it is lost, never started again. */
    static Run unreadable(String id, RunDirectory dir, Services services, String why) {
        Run run = new Run(new RunSpec(id, null, null, 0, null, "(unknown: unreadable record)", "", Map.of(),
                Duration.ofSeconds(1)), services);
        synchronized (run) {
            run.state = RunState.LOST;
            run.reason = "lost: its record in " + dir.path() + " is unreadable (" + why + ")";
        }
        return run;
    }

    String id() {
        return spec.id();
    }

    // ---- decisions of the reconcile loop ----

    /** Listed again: wanted, unless it is being stopped (a run is never started twice). */
    synchronized void desire() {
        if (!stopping) {
            desired = true;
        }
    }

    synchronized void undesire() {
        desired = false;
    }

    /**
     * How long a run that ended stays reported after it is no longer wanted. A controller that let go of the run and
     * died before it saved so reads the outcome again, rather than waiting for a report that would never come.
     */
    static final Duration KEEP_REPORT_AFTER_END = Duration.ofMinutes(10);

    /** Not wanted, nothing of it runs, and it ended long enough ago (or never started): its agent may forget it. */
    synchronized boolean forgettable() {
        return !desired && process == null && !launching && !stopping
                && (endedAt == null || !services.clock().instant().isBefore(endedAt.plus(KEEP_REPORT_AFTER_END)));
    }

    /** Advances the run; {@code mayAct} is false until the first desired state after the agent started. */
    synchronized void tick(boolean mayAct) {
        if (closed || !mayAct) {
            return;
        }
        if (desired && state == RunState.STARTING && !launching && process == null) {
            launching = true;
            reason = "starting: preparing build " + spec.build().substring(0, Math.min(12, spec.build().length()));
            services.tasks().execute(this::runLaunch);
            services.changed().run();
        } else if (!desired && process != null && !stopping) {
            beginStop();
        }
    }

    // ---- launch ----

    private void runLaunch() {
        try {
            Path release = services.builds().release(spec.build());
            services.builds().prepareWorkingDirectory(release, dir.work());
            LaunchSpec launch = new LaunchSpec(dir.wrap(spec.command()), dir.work(),
                    InstanceEnvironment.of(services.baseEnvironment(), spec, dir.work()),
                    services.logFile(spec.id()));
            synchronized (this) {
                if (closed || !desired) {
                    launching = false;
                    return; // not wanted any more, and never started
                }
                // on disk before the process exists: from here on, a restarted agent never starts it again
                save();
            }
            launched(services.launcher().launch(launch));
        } catch (BuildException e) {
            failed(e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("run {}: cannot start", spec.id(), e);
            failed("cannot start: " + e);
        }
    }

    private synchronized void launched(SupervisedProcess proc) {
        launching = false;
        process = proc;
        startedAt = services.clock().instant();
        state = RunState.RUNNING;
        reason = "running: pid " + proc.pid();
        save();
        if (closed) {
            return; // recorded: the next agent adopts it
        }
        services.changed().run();
        log.info("run {}: started pid {}: {}", spec.id(), proc.pid(), spec.command());
        if (!desired) {
            beginStop(); // removed while it was starting
        }
        // Last: an exit that already happened runs exited() right here, on top of the state set above.
        proc.onExit().thenAccept(status -> exited(proc, status));
    }

    private synchronized void failed(String message) {
        launching = false;
        if (closed) {
            return;
        }
        log.warn("run {}: could not be started: {}", spec.id(), message);
        state = RunState.FAILED;
        reason = message;
        endedAt = services.clock().instant();
        save();
        services.changed().run();
    }

    // ---- exit and stop ----

    private synchronized void exited(SupervisedProcess proc, ExitStatus status) {
        if (closed || process != proc) {
            return; // the next agent adopts it, or learns how it ended
        }
        process = null;
        services.changed().run();
        if (stopping) {
            return; // the stop task finishes once the whole group is gone
        }
        // The wrapper is gone; what else the command left in its group belongs to no one now.
        services.tasks().execute(() -> killLeftovers(proc));
        ended("its process ended (" + status.describe() + ")");
        save();
    }

    /** Ends the run by its exit file: exited with its code, or lost when there is none. */
    private void ended(String lostBecause) {
        endedAt = services.clock().instant();
        if (restored) {
            // it may have ended while no agent ran, or been noticed late by polling: the exit file says when it did
            dir.exitWrittenAt().filter(at -> at.isBefore(endedAt)).ifPresent(at -> endedAt = at);
        }
        Optional<Integer> code = dir.exitCode();
        if (code.isPresent()) {
            state = RunState.EXITED;
            exitCode = code.get();
            reason = ExitStatus.fromExitValue(code.get()).describe();
        } else {
            state = RunState.LOST;
            reason = "lost: " + lostBecause + " and no exit code was written";
        }
        log.info("run {}: {}", spec.id(), reason);
    }

    private void killLeftovers(SupervisedProcess gone) {
        try {
            if (gone.signalGroup(Signal.KILL)) {
                log.info("run {}: killed what was left of process group {}", spec.id(), gone.pid());
            }
        } catch (RuntimeException e) {
            log.warn("run {}: cannot kill process group {}", spec.id(), gone.pid(), e);
        }
    }

    private void beginStop() {
        stopping = true;
        state = RunState.STOPPING;
        reason = "stopping: no longer desired";
        SupervisedProcess proc = process;
        // TERM, then KILL after the stop timeout; interrupted, the next agent adopts the run and stops it
        services.tasks().execute(() -> StopSequence.runFor("run " + spec.id(), proc, List.of(Signal.TERM),
                spec.stopTimeout(), java.time.Duration.ZERO, this::setReason, this::stopped));
        services.changed().run();
    }

    private synchronized void setReason(String text) {
        if (!closed && stopping) {
            reason = text;
        }
    }

    private synchronized void stopped(String text) {
        if (closed) {
            return;
        }
        stopping = false;
        process = null;
        reason = text;
        log.info("run {}: {}", spec.id(), text);
        services.changed().run();
    }

    // ---- views ----

    private void save() {
        RunRecord record = new RunRecord(spec, process == null ? 0 : process.pid(),
                process == null ? 0 : process.startTime(), startedAt, state, exitCode, endedAt, reason);
        try {
            dir.save(record);
        } catch (IOException e) {
            // Not fatal for this agent, which knows the run; a restarted one would find an older record, which at
            // worst makes it report the run lost rather than start it again.
            log.error("run {}: cannot save its record in {}", spec.id(), dir.path(), e);
        }
    }

    synchronized RunReport report() {
        return new RunReport(spec.id(), state, reason, process == null ? 0 : process.pid(), exitCode, startedAt,
                endedAt);
    }

    synchronized RunState state() {
        return state;
    }

    RunDirectory directory() {
        return dir;
    }

    /** Stops reacting to events; the process, if any, keeps running for the next agent to adopt. */
    synchronized void close() {
        closed = true;
    }
}
