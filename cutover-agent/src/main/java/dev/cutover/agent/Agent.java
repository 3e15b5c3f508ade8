package dev.cutover.agent;

import dev.cutover.agent.log.LogReader;
import dev.cutover.agent.supervisor.Supervisor;
import dev.cutover.model.agent.AgentClient;
import dev.cutover.model.agent.AgentReport;
import dev.cutover.model.agent.BuildSource;
import dev.cutover.model.agent.DesiredState;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One host's agent. {@link #start} adopts the processes a previous agent on the same data directory left running;
 * until the first {@link #apply} it starts and stops nothing. {@link #close()} stops the agent's own threads and
 * leaves the app processes running, to be adopted by the next agent; {@code apply} of an empty desired state stops
 * them all.
 */
public final class Agent implements AgentClient, AutoCloseable {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final AgentConfig config;
    private final Supervisor supervisor;

    private Agent(AgentConfig config, Supervisor supervisor) {
        this.config = config;
        this.supervisor = supervisor;
    }

    /** Starts an agent on {@code config.dataDir()}, fetching builds from {@code builds}. */
    public static Agent start(AgentConfig config, BuildSource builds) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(builds, "builds");
        try {
            return new Agent(config, Supervisor.start(config.dataDir(), config.clock(), builds));
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
        return new AgentReport(config.host(), config.address(), supervisor.appliedRevision(), supervisor.report());
    }

    @Override
    public LogChunk readLog(String instanceId, long offset, int maxBytes) throws IOException {
        if (instanceId == null || !SAFE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instanceId: " + instanceId + " (expected: an instance id)");
        }
        Optional<InstancePhase> phase = supervisor.phase(instanceId);
        boolean finished = phase.isEmpty() || phase.get() == InstancePhase.STOPPED || phase.get() == InstancePhase.FAILED;
        return LogReader.read(supervisor.logFile(instanceId), offset, maxBytes, finished);
    }

    /** Stops the agent's threads; app processes keep running. */
    @Override
    public void close() {
        supervisor.close();
    }
}
