package dev.cutover.agent;

import dev.cutover.agent.log.LogPolicy;
import java.nio.file.Path;
import java.time.Clock;

/**
 * How an agent runs.
 *
 * @param dataDir holds {@code builds/}, {@code releases/}, {@code instances/} (working directories), {@code runs/}
 *                (one-off runs, each with its record and working directory), {@code logs/} and {@code state.json};
 *                one agent per data directory
 * @param host the host's name, as reported
 * @param address what the router connects to for this host's instances, e.g. {@code 127.0.0.1}
 * @param clock for timestamps in reports, probe results and log lines
 * @param logs how instance logs are rotated and dated
 */
public record AgentConfig(Path dataDir, String host, String address, Clock clock, LogPolicy logs) {

    public AgentConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir: null (expected: a directory path)");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: " + quoted(host) + " (expected: the host's name, e.g. web-1)");
        }
        if (address == null || address.isBlank() || address.strip().contains(" ")) {
            throw new IllegalArgumentException(
                    "address: " + quoted(address) + " (expected: a host name or IP address, e.g. 127.0.0.1)");
        }
        if (clock == null) {
            throw new IllegalArgumentException("clock: null (expected: a Clock, e.g. Clock.systemUTC())");
        }
        if (logs == null) {
            throw new IllegalArgumentException("logs: null (expected: a LogPolicy, e.g. LogPolicy.DEFAULT)");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** A config with the default log policy. */
    public AgentConfig(Path dataDir, String host, String address, Clock clock) {
        this(dataDir, host, address, clock, LogPolicy.DEFAULT);
    }

    public AgentConfig withLogs(LogPolicy policy) {
        return new AgentConfig(dataDir, host, address, clock, policy);
    }

    /** A config with the system clock. */
    public static AgentConfig of(Path dataDir, String host, String address) {
        return new AgentConfig(dataDir, host, address, Clock.systemDefaultZone());
    }

    private static String quoted(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
