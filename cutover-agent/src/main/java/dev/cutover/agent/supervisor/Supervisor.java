package dev.cutover.agent.supervisor;

import dev.cutover.agent.build.BuildCache;
import dev.cutover.agent.health.Prober;
import dev.cutover.agent.process.ProcFs;
import dev.cutover.agent.process.ProcStat;
import dev.cutover.agent.process.ProcessLauncher;
import dev.cutover.agent.process.Reaper;
import dev.cutover.agent.process.Signal;
import dev.cutover.agent.process.SupervisedProcess;
import dev.cutover.model.agent.BuildSource;
import dev.cutover.model.agent.DesiredState;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.agent.RunReport;
import dev.cutover.model.agent.RunSpec;
import dev.cutover.model.agent.RunState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a host's instances and one-off runs to match the latest desired state. {@link #apply} only records the state
 * and wakes the loop; the loop thread reconciles, ticks every instance and run, and saves {@code state.json} when
 * something changed (each run keeps its own record: {@link RunDirectory}).
 */
public final class Supervisor implements AutoCloseable {

    /**
     * How long a stopped instance stays in the report at least, so that the controller sees how it ended (which
     * signal stopped it, and when) however soon the next desired state follows; it goes at the first revision after.
     */
    public static final Duration REPORTED_AFTER_STOP = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    static final long TICK_MILLIS = 150;
    /** How often the copies of builds no instance uses are deleted. */
    static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    /**
     * How many builds no instance uses keep their copies on the host, the ones used last: a rollback to one of them
     * starts its instances without fetching and unpacking it again.
     */
    public static final int KEPT_BUILDS = 3;
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Clock clock;
    private final Services services;
    private final StateFile stateFile;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final AtomicReference<DesiredState> pending = new AtomicReference<>();
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicLong tickFailures = new AtomicLong();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService tasks;
    private final Reaper reaper;
    private final Thread loop;
    private volatile boolean running = true;
    private volatile long appliedRevision;
    /** Until the first desired state after a start, nothing is started or stopped: adopted processes just run. */
    private volatile boolean firstApplied;
    /** When the loop next deletes the copies of unused builds; touched only by the loop's thread. */
    private Instant nextPrune = Instant.EPOCH;

    private Supervisor(Path dataDir, Clock clock, BuildSource source) throws IOException {
        this.clock = clock;
        for (String dir : List.of("builds", "releases", "instances", "logs", "runs")) {
            Files.createDirectories(dataDir.resolve(dir));
        }
        ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cutover-agent-scheduler");
            t.setDaemon(true);
            return t;
        });
        stpe.setRemoveOnCancelPolicy(true);
        this.scheduler = stpe;
        this.tasks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cutover-agent-task-", 0).factory());
        ProcessLauncher launcher = new ProcessLauncher(scheduler);
        Map<String, String> base = new HashMap<>();
        for (String name : List.of("PATH", "LANG")) {
            String v = System.getenv(name);
            if (v != null) {
                base.put(name, v);
            }
        }
        this.services = new Services(dataDir, clock, () -> ThreadLocalRandom.current().nextLong(), new BuildCache(dataDir, source),
                launcher, new Prober(scheduler, tasks, clock), new Ports(), tasks, Map.copyOf(base), this::changed,
                this::save);
        this.stateFile = new StateFile(dataDir.resolve("state.json"));
        this.reaper = Reaper.start(scheduler);
        adopt(launcher);
        restoreRuns(launcher);
        this.loop = Thread.ofPlatform().name("cutover-agent-reconcile").daemon(true).unstarted(this::run);
        loop.start();
    }

    /** Creates the data directory's layout, adopts what {@code state.json} names, and starts the loop. */
    public static Supervisor start(Path dataDir, Clock clock, BuildSource source) throws IOException {
        return new Supervisor(dataDir, clock, source);
    }

    /**
     * Adopts the processes {@code state.json} names. A record without a live pid may still have a process: the agent
     * before was killed after starting it and before saving its pid. It is found by its working directory and
     * adopted. A process in an instance's working directory that no instance adopts belongs to no one: it is killed,
     * or it would hold its port and run beside the instance started in its place. So is what is left of a group
     * whose leader died while no agent ran (an app run as the child of a {@code sh -c} that was killed, or that died
     * of a stop signal the app ignores): it cannot be adopted, since only a leader's exit can be waited for, and left
     * alone it would outlive every later stop.
     */
    private void adopt(ProcessLauncher launcher) {
        List<InstanceRecord> records;
        try {
            records = stateFile.load();
        } catch (IOException e) {
            // Refusing to start would leave the host unmanaged; adopting nothing at worst restarts instances.
            log.error("cannot read state.json, adopting no processes", e);
            return;
        }
        Map<String, List<ProcStat>> inWorkingDirectories =
                new HashMap<>(ProcFs.groupLeadersUnder(services.dataDir().resolve("instances")));
        for (InstanceRecord r : records) {
            List<ProcStat> found = inWorkingDirectories.getOrDefault(r.id(), List.of());
            Optional<SupervisedProcess> proc = launcher.adopt(r.pid(), r.startTime());
            if (proc.isPresent()) {
                log.info("instance {}: adopted pid {}", r.id(), r.pid());
            } else {
                if (r.pid() > 0 && !killLeaderless(r.id(), r.pid())) {
                    log.warn("instance {}: pid {} is gone or now another process; not adopting it, not signalling it",
                            r.id(), r.pid());
                }
                proc = found.stream().filter(s -> s.pid() != r.pid()).findFirst()
                        .flatMap(s -> launcher.adopt(s.pid(), s.startTime()));
                proc.ifPresent(p -> log.warn("instance {}: adopted pid {}, found in its working directory: the agent "
                        + "before started it and stopped before it saved its pid", r.id(), p.pid()));
            }
            long adopted = proc.map(SupervisedProcess::pid).orElse(0L);
            inWorkingDirectories.put(r.id(), found.stream().filter(s -> s.pid() != adopted).toList());
            services.ports().hold(r.id(), r.port());
            instances.put(r.id(), Instance.restore(r, proc, services));
        }
        inWorkingDirectories.forEach((dir, leaders) -> leaders.forEach(s -> killStray(launcher, dir, s)));
        // an adopted process leads its group, so no group found here is one of theirs
        ProcFs.leaderlessGroupsUnder(services.dataDir().resolve("instances"))
                .forEach((dir, groups) -> groups.forEach(pgid -> killLeaderless(dir, pgid)));
        dirty.set(true);
    }

    /** Kills group {@code pgid} if its leader is gone and members are left; returns whether it did. */
    private static boolean killLeaderless(String instance, long pgid) {
        try {
            if (ProcFs.signalLeaderless(pgid, Signal.KILL)) {
                log.warn("instance {}: its process group {} outlived its leader while no agent ran; killed what was "
                        + "left of it, so that nothing of it holds its port or runs beside what replaces it", instance,
                        pgid);
                return true;
            }
        } catch (RuntimeException e) {
            log.warn("instance {}: cannot kill what is left of its process group {}", instance, pgid, e);
        }
        return false;
    }

    private static void killStray(ProcessLauncher launcher, String dir, ProcStat s) {
        launcher.adopt(s.pid(), s.startTime()).ifPresent(p -> {
            try {
                p.signalGroup(Signal.KILL);
                log.warn("pid {} worked in the directory of instance {} and no instance runs it: killed its process "
                        + "group", s.pid(), dir);
            } catch (RuntimeException e) {
                log.warn("pid {} in the directory of instance {}: cannot kill its process group", s.pid(), dir, e);
            }
        });
    }

    /**
     * Finds the runs a previous agent left: adopts those still running, learns how the others ended. A directory
     * without a record is a run that was never started; it goes.
     */
    private void restoreRuns(ProcessLauncher launcher) {
        Path root = services.dataDir().resolve("runs");
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String id = d.getFileName().toString();
                if (!INSTANCE_ID.matcher(id).matches()) {
                    deleteInBackground(d, "leftover " + id); // a forgotten run's directory, renamed away
                    continue;
                }
                RunDirectory dir = new RunDirectory(d);
                Optional<RunDirectory.RunRecord> record;
                try {
                    record = dir.load();
                } catch (IOException e) {
                    // It may have run: report it lost rather than ever start it again.
                    log.error("run {}: unreadable record in {}; reporting it lost", id, d, e);
                    runs.put(id, Run.unreadable(id, dir, services, e.toString()));
                    continue;
                }
                if (record.isEmpty()) {
                    deleteInBackground(d, "run " + id + " (never started)");
                } else {
                    runs.put(id, Run.restore(record.get(), dir, launcher, services));
                }
            }
        } catch (IOException e) {
            log.error("cannot list {}; adopting no runs", root, e);
        }
    }

    /** Records {@code desired} for the loop; a revision not above the applied (or pending) one is ignored. */
    public void apply(DesiredState desired) {
        validate(desired);
        if (desired.revision() <= appliedRevision) {
            return;
        }
        pending.accumulateAndGet(desired, (cur, next) -> cur == null || next.revision() > cur.revision() ? next : cur);
        wake.release();
    }

    static void validate(DesiredState desired) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < desired.runs().size(); i++) {
            RunSpec r = desired.runs().get(i);
            String field = "runs[" + i + "]";
            requireId(field, r.id());
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException(field + ".id: " + r.id()
                        + " (expected: unique ids: a run's log is named by its id, like an instance's)");
            }
            requirePositive(field + ".stopTimeout", r.stopTimeout());
        }
        for (int i = 0; i < desired.instances().size(); i++) {
            InstanceSpec s = desired.instances().get(i);
            String field = "instances[" + i + "]";
            requireId(field, s.id());
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException(field + ".id: " + s.id()
                        + " (expected: unique ids, among runs too)");
            }
            for (String signal : s.stopSignals()) {
                try {
                    Signal.parse(signal);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(field + "." + e.getMessage(), e);
                }
            }
            requirePositive(field + ".stopTimeout", s.stopTimeout());
        }
    }

    private static void requireId(String field, String id) {
        if (!INSTANCE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(field + ".id: " + id
                    + " (expected: 1 to 128 letters, digits, '.', '_' or '-', not starting with '.', '_' or '-')");
        }
    }

    private static void requirePositive(String field, java.time.Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": " + d + " (expected: a duration above zero)");
        }
    }

    public long appliedRevision() {
        return appliedRevision;
    }

    /** Every known instance, by id. */
    public List<InstanceReport> report() {
        return instances.values().stream()
                .map(Instance::report)
                .sorted(Comparator.comparing(InstanceReport::id))
                .toList();
    }

    /** Every known run, by id. */
    public List<RunReport> runReports() {
        return runs.values().stream().map(Run::report).sorted(Comparator.comparing(RunReport::id)).toList();
    }

    /** The run's state; empty when this agent does not know it (any more). */
    public Optional<RunState> runState(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(Run::state);
    }

    /** The instance's phase; empty when this agent does not know it (any more). */
    public Optional<InstancePhase> phase(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId)).map(Instance::phase);
    }

    /** A one-off command's working directory and environment, made like those of instance {@code like}. */
    public record PreparedExec(InstanceSpec spec, Map<String, String> environment) {}

    /**
     * Prepares {@code work} as a fresh working directory of the release instance {@code like} runs (or last ran),
     * and returns the environment that instance gets, without {@code PORT} and with {@code CUTOVER_INSTANCE} set to
     * {@code execId}.
     *
     * @throws IllegalArgumentException when this agent does not know the instance
     */
    public PreparedExec prepareExec(String like, String execId, Path work) throws IOException {
        Instance instance = instances.get(like);
        if (instance == null) {
            throw new IllegalArgumentException("like: " + like + " (expected: an instance this agent runs)");
        }
        InstanceSpec spec = instance.spec();
        Path release;
        try {
            release = services.builds().release(spec.build());
        } catch (dev.cutover.agent.build.BuildException e) {
            throw new IOException(e.getMessage(), e);
        }
        services.builds().prepareWorkingDirectory(release, work);
        return new PreparedExec(spec, InstanceEnvironment.of(services.baseEnvironment(), spec, execId, work, 0));
    }

    /** Deletes a working directory that {@link #prepareExec} made. */
    public void deleteExecDirectory(Path work) throws IOException {
        services.builds().deleteWorkingDirectory(work);
    }

    public ProcessLauncher launcher() {
        return services.launcher();
    }

    /** The ids of every known instance and run: whose logs are kept. A new set on every call. */
    public Set<String> logIds() {
        Set<String> ids = new HashSet<>(instances.keySet());
        ids.addAll(runs.keySet());
        return ids;
    }

    public Path logFile(String instanceId) {
        return services.logFile(instanceId);
    }

    private void changed() {
        dirty.set(true);
        wake.release();
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(TICK_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                return;
            }
            try {
                tick();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // The loop must outlive any bug in one tick: log, count, go on.
                log.error("reconcile tick failed ({} so far); continuing", tickFailures.incrementAndGet(), e);
            }
        }
    }

    private void tick() {
        DesiredState desired = pending.getAndSet(null);
        if (desired != null && desired.revision() > appliedRevision) {
            reconcileTo(desired);
            firstApplied = true;
        } else {
            desired = null;
        }
        Instant now = clock.instant();
        for (Instance instance : instances.values()) {
            try {
                instance.tick(now, firstApplied);
                if (instance.takeLeftoverDirectory()) {
                    discard(services.workingDirectory(instance.id()), "instance " + instance.id());
                }
            } catch (RuntimeException e) {
                log.error("instance {}: tick failed; continuing", instance.id(), e);
            }
        }
        for (Run run : runs.values()) {
            try {
                run.tick(firstApplied);
                if (run.forgettable()) {
                    forget(run);
                }
            } catch (RuntimeException e) {
                log.error("run {}: tick failed; continuing", run.id(), e);
            }
        }
        if (desired != null) {
            appliedRevision = desired.revision();
        }
        if (dirty.getAndSet(false)) {
            save();
        }
        if (firstApplied && !now.isBefore(nextPrune)) {
            nextPrune = now.plus(PRUNE_EVERY);
            pruneBuilds(now);
        }
    }

    /**
     * Deletes the copies of builds no instance or run uses, but the {@link #KEPT_BUILDS} used last. On the loop's
     * thread, where instances and runs are added, so that none is added from a build while it goes.
     */
    private void pruneBuilds(Instant now) {
        Set<String> inUse = new HashSet<>();
        instances.values().forEach(i -> i.buildInUse().ifPresent(inUse::add));
        runs.values().forEach(r -> r.buildInUse().ifPresent(inUse::add));
        try {
            for (Path path : services.builds().prune(inUse, KEPT_BUILDS, now)) {
                tasks.execute(() -> {
                    try {
                        services.builds().deletePruned(path);
                    } catch (IOException e) {
                        log.warn("cannot delete {}: {}", path, e.toString());
                    }
                });
            }
        } catch (IOException e) {
            log.warn("cannot delete the builds no instance uses (tried again in {}): {}", PRUNE_EVERY, e.toString());
        }
    }

    private void reconcileTo(DesiredState desired) {
        Set<String> ids = new HashSet<>();
        for (InstanceSpec spec : desired.instances()) {
            ids.add(spec.id());
            instances.computeIfAbsent(spec.id(), id -> new Instance(spec, services)).desire(spec);
        }
        Set<String> runIds = new HashSet<>();
        for (RunSpec spec : desired.runs()) {
            runIds.add(spec.id());
            // by id: a run listed again is the same run, started once whatever its spec says now
            runs.computeIfAbsent(spec.id(), id -> new Run(spec, services)).desire();
        }
        for (Run run : runs.values()) {
            if (!runIds.contains(run.id())) {
                run.undesire();
            }
        }
        for (Instance instance : instances.values()) {
            if (ids.contains(instance.id())) {
                continue;
            }
            if (instance.forgettable(desired.revision(), services.clock().instant())) {
                forget(instance);
            } else {
                instance.undesire(desired.revision());
            }
        }
        dirty.set(true);
    }

    /** A run no longer wanted and no longer running: its directory goes; its log stays, like an instance's. */
    private void forget(Run run) {
        runs.remove(run.id());
        run.close();
        discard(run.directory().path(), "run " + run.id());
    }

    private void forget(Instance instance) {
        instances.remove(instance.id());
        instance.close();
        services.ports().release(instance.id());
        discard(services.workingDirectory(instance.id()), "instance " + instance.id());
    }

    /**
     * Renamed away at once, so that the same id coming back gets a fresh directory; deleted in the background
     * because an app may have left many files there.
     */
    private void discard(Path dir, String what) {
        Path trash = dir.resolveSibling("." + dir.getFileName() + ".deleted-" + UUID.randomUUID());
        try {
            if (Files.exists(dir)) {
                Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
                deleteInBackground(trash, what);
            }
        } catch (IOException e) {
            log.warn("{}: cannot remove {}: {}", what, dir, e.toString());
        }
    }

    private void deleteInBackground(Path dir, String what) {
        tasks.execute(() -> {
            try {
                services.builds().deleteWorkingDirectory(dir);
            } catch (IOException e) {
                log.warn("{}: cannot delete {}: {}", what, dir, e.toString());
            }
        });
    }

    /** Synchronized, so that the last save to finish also saw the latest state: two saves never cross. */
    private synchronized void save() {
        List<InstanceRecord> records = instances.values().stream()
                .map(Instance::record)
                .flatMap(Optional::stream)
                .sorted(Comparator.comparing(InstanceRecord::id))
                .toList();
        try {
            stateFile.save(records);
        } catch (IOException | RuntimeException e) {
            dirty.set(true); // retried on the next tick
            log.error("cannot save state.json; retrying", e);
        }
    }

    /** Stops the loop, probes and pending work; leaves every process running for the next agent to adopt. */
    @Override
    public void close() {
        running = false;
        wake.release(); // not an interrupt: that would abort a state.json write half-way (ClosedByInterruptException)
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        instances.values().forEach(Instance::close);
        runs.values().forEach(Run::close);
        reaper.close();
        tasks.shutdownNow();
        scheduler.shutdownNow();
        save();
    }
}
