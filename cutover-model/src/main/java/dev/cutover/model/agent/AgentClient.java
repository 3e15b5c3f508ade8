package dev.cutover.model.agent;

import java.io.IOException;

/**
 * The port through which the controller drives one host's agent, in the same JVM or over HTTP.
 * Implementations are thread-safe.
 */
public interface AgentClient {

    /** Hands the agent the complete desired state; it is applied asynchronously, in revision order. */
    void apply(DesiredState desired);

    /** The agent's current account of its instances. */
    AgentReport report();

    /**
     * Reads an instance's combined log from {@code offset} (negative: that many bytes from the end, rounded to a
     * line start), at most {@code maxBytes}.
     */
    LogChunk readLog(String instanceId, long offset, int maxBytes) throws IOException;
}
