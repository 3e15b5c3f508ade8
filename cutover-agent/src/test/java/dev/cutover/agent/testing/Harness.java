package dev.cutover.agent.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.cutover.agent.Agent;
import dev.cutover.agent.AgentConfig;
import dev.cutover.agent.log.LogPolicy;
import dev.cutover.model.agent.DesiredState;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.agent.RunReport;
import dev.cutover.model.agent.RunSpec;
import dev.cutover.model.agent.RunState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An agent on a temporary data directory, with helpers to drive it, and a {@link #close()} that stops everything
 * through the agent and then kills, by pid, whatever still runs in the data directory.
 */
public final class Harness implements AutoCloseable {

    public static final Duration PATIENCE = Duration.ofSeconds(30);

    public final Path dataDir;
    public final FakeBuilds builds = new FakeBuilds();
    public final String app;
    private Agent agent;
    private long revision;

    private final LogPolicy logs;

    public Harness(Path dataDir) {
        this(dataDir, LogPolicy.DEFAULT);
    }

    public Harness(Path dataDir, LogPolicy logs) {
        this.dataDir = dataDir;
        this.logs = logs;
        this.app = builds.add(Specs.appBundle());
        this.agent = Agent.start(AgentConfig.of(dataDir, "host-1", "127.0.0.1").withLogs(logs), builds);
    }

    public Agent agent() {
        return agent;
    }

    public long apply(InstanceSpec... specs) {
        revision++;
        agent.apply(new DesiredState(revision, List.of(specs)));
        return revision;
    }

    /** Applies a desired state of these runs and no instances. */
    public long applyRuns(RunSpec... runs) {
        revision++;
        agent.apply(new DesiredState(revision, List.of(), List.of(runs)));
        return revision;
    }

    /** Closes the agent (processes keep running) and starts a new one on the same data directory. */
    public void restartAgent() {
        restartAgent(() -> {});
    }

    /** Like {@link #restartAgent()}, running {@code between} while no agent runs (to edit state.json, say). */
    public void restartAgent(Runnable between) {
        agent.close();
        between.run();
        agent = Agent.start(AgentConfig.of(dataDir, "host-1", "127.0.0.1").withLogs(logs), builds);
    }

    public Optional<InstanceReport> find(String id) {
        return agent.report().instances().stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** Waits until instance {@code id} satisfies {@code condition}; returns the report that did. */
    public InstanceReport await(String id, Predicate<InstanceReport> condition) {
        return awaitReport("instance " + id, () -> find(id), condition);
    }

    private static <T> T awaitReport(String what, Supplier<Optional<T>> find, Predicate<T> condition) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
                Optional<T> r = find.get();
                r.ifPresent(last::set);
                return r.isPresent() && condition.test(r.get());
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " did not get there; last seen: " + last.get(), e);
        }
        return last.get();
    }

    public InstanceReport awaitPhase(String id, InstancePhase phase) {
        return await(id, r -> r.phase() == phase);
    }

    public Optional<RunReport> findRun(String id) {
        return agent.report().runs().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Waits until run {@code id} satisfies {@code condition}; returns the report that did. */
    public RunReport awaitRun(String id, Predicate<RunReport> condition) {
        return awaitReport("run " + id, () -> findRun(id), condition);
    }

    public RunReport awaitRunState(String id, RunState state) {
        return awaitRun(id, r -> r.state() == state);
    }

    public Path workingDirectory(String id) {
        return dataDir.resolve("instances").resolve(id);
    }

    public String log(String id) {
        try {
            return agent.readLog(id, 0, 1 << 20).text();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            revision++;
            agent.apply(new DesiredState(revision, List.of()));
            // An ended run stays reported for minutes (Run.KEEP_REPORT_AFTER_END); what matters here is that it ended.
            Awaitility.await().atMost(PATIENCE).until(() -> agent.report().runs().stream().allMatch(r -> r.state().ended())
                    && agent.report().instances().stream()
                            .allMatch(i -> i.phase() == InstancePhase.STOPPED || i.phase() == InstancePhase.FAILED));
        } catch (RuntimeException e) {
            System.err.println("harness: stopping through the agent failed: " + e);
        } finally {
            agent.close();
            killLeftovers();
        }
    }

    /**
     * Kills, by pid, every process whose working directory is in the data directory: the instances and what they
     * spawned. (Killing remembered pids instead could hit an unrelated process that reused one.)
     */
    private void killLeftovers() {
        Path root = dataDir.toAbsolutePath().normalize();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    Path cwd = Files.readSymbolicLink(p.resolve("cwd"));
                    if (cwd.startsWith(root)) {
                        ProcessHandle.of(Long.parseLong(p.getFileName().toString()))
                                .ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to read
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
