package dev.cutover.model.agent;

import java.io.IOException;
import java.time.Instant;

/**
 * The port through which the controller drives one host's agent, in the same JVM or over HTTP.
 * Implementations are thread-safe.
 *
 * <p>Every call is a plain request and answer with values that serialize to JSON, so that the port can go over
 * HTTP unchanged: long-running things (a log being written, an exec running) are read in chunks by offset.
 */
public interface AgentClient {

    /** Hands the agent the complete desired state; it is applied asynchronously, in revision order. */
    void apply(DesiredState desired);

    /** The agent's current account of its instances. */
    AgentReport report();

    /** The host's capacity and what is free of it, read when asked (not cached), and what each instance uses. */
    HostFacts facts();

    /**
     * Reads an instance's combined log from {@code offset} (negative: that many bytes from the end, rounded to a
     * line start), at most {@code maxBytes}.
     */
    LogChunk readLog(String instanceId, long offset, int maxBytes) throws IOException;

    /** Reads an instance's log from the first line written at or after {@code since}, at most {@code maxBytes}. */
    LogChunk readLog(String instanceId, Instant since, int maxBytes) throws IOException;

    /**
     * Starts a one-off command in a fresh working directory of the release that instance {@code request.like()}
     * runs, with that instance's environment but no {@code PORT}. Returns at once; the output is read with
     * {@link #readExec}.
     *
     * @throws IllegalArgumentException when the request is invalid or the instance unknown to this agent
     */
    ExecStarted startExec(ExecRequest request) throws IOException;

    /**
     * Reads the exec's standard output from {@code offset} and its standard error from {@code errOffset}, at most
     * {@code maxBytes} of each; the chunk carries the exit code once the command has exited and both are read.
     */
    ExecChunk readExec(String execId, long offset, long errOffset, int maxBytes) throws IOException;

    /** Writes to the exec's stdin ({@code close}: then closes it); false when stdin is closed or the exec is done. */
    boolean writeExec(String execId, byte[] input, boolean close) throws IOException;

    /** Sends the exec's process group SIGTERM, then SIGKILL after a grace period; false when it is already done. */
    boolean killExec(String execId);
}
