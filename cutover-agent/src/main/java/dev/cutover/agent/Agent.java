package dev.cutover.agent;

import dev.cutover.agent.exec.Execs;
import dev.cutover.agent.log.LogKeeper;
import dev.cutover.agent.supervisor.Supervisor;
import dev.cutover.model.agent.AgentClient;
import dev.cutover.model.agent.AgentReport;
import dev.cutover.model.agent.BuildSource;
import dev.cutover.model.agent.DesiredState;
import dev.cutover.model.agent.ExecChunk;
import dev.cutover.model.agent.ExecRequest;
import dev.cutover.model.agent.ExecStarted;
import dev.cutover.model.agent.HostFacts;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.LogChunk;
import dev.cutover.model.agent.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One host's agent: instances, one-off runs (read their output with {@link #readLog}, like an instance's), and execs.
 * {@link #start} adopts the processes a previous agent on the same data directory left running;
 * until the first {@link #apply} it starts and stops nothing. {@link #close()} stops the agent's own threads and
 * leaves the app processes running, to be adopted by the next agent; {@code apply} of an empty desired state stops
 * them all.
 */
public final class Agent implements AgentClient, AutoCloseable {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final AgentConfig config;
    private final Supervisor supervisor;
    private final LogKeeper logs;
    private final Execs execs;
    private final HostReader host;

    private Agent(AgentConfig config, Supervisor supervisor) throws IOException {
        this.config = config;
        this.supervisor = supervisor;
        this.host = new HostReader(config, config.clock().instant());
        this.logs = LogKeeper.start(config.dataDir().resolve("logs"), config.logs(), config.clock(),
                supervisor::logIds);
        this.execs = new Execs(config.dataDir().resolve("execs"), supervisor, config.clock());
    }

    /** Starts an agent on {@code config.dataDir()}, fetching builds from {@code builds}. */
    public static Agent start(AgentConfig config, BuildSource builds) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(builds, "builds");
        try {
            Supervisor supervisor = Supervisor.start(config.dataDir(), config.clock(), builds);
            try {
                return new Agent(config, supervisor);
            } catch (IOException | RuntimeException e) {
                supervisor.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent in " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    public AgentConfig config() {
        return config;
    }

    @Override
    public void apply(DesiredState desired) {
        supervisor.apply(Objects.requireNonNull(desired, "desired"));
    }

    @Override
    public AgentReport report() {
        return new AgentReport(config.host(), config.address(), supervisor.appliedRevision(), supervisor.report(),
                supervisor.runReports());
    }

    @Override
    public HostFacts facts() {
        return host.read(supervisor.report());
    }

    @Override
    public LogChunk readLog(String instanceId, long offset, int maxBytes) throws IOException {
        return logs.read(requireId(instanceId), offset, maxBytes, finished(instanceId));
    }

    @Override
    public LogChunk readLog(String instanceId, Instant since, int maxBytes) throws IOException {
        Objects.requireNonNull(since, "since");
        return logs.readSince(requireId(instanceId), since, maxBytes, finished(instanceId));
    }

    private static String requireId(String instanceId) {
        if (instanceId == null || !SAFE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instanceId: " + instanceId + " (expected: an instance id)");
        }
        return instanceId;
    }

    /** Nothing more will be written: the instance is stopped or failed, the run has ended, or neither is known. */
    private boolean finished(String id) {
        Optional<RunState> run = supervisor.runState(id);
        if (run.isPresent()) {
            return run.get().ended();
        }
        Optional<InstancePhase> phase = supervisor.phase(id);
        return phase.isEmpty() || phase.get() == InstancePhase.STOPPED || phase.get() == InstancePhase.FAILED;
    }

    @Override
    public ExecStarted startExec(ExecRequest request) throws IOException {
        requireId(Objects.requireNonNull(request, "request").like());
        return execs.start(request);
    }

    @Override
    public ExecChunk readExec(String execId, long offset, long errOffset, int maxBytes) throws IOException {
        return execs.read(execId, offset, errOffset, maxBytes);
    }

    @Override
    public boolean writeExec(String execId, byte[] input, boolean close) throws IOException {
        return execs.write(execId, input, close);
    }

    @Override
    public boolean killExec(String execId) {
        return execs.kill(execId);
    }

    /** Stops the agent's threads; app processes keep running. */
    @Override
    public void close() {
        execs.close();
        logs.close();
        supervisor.close();
    }
}
