package dev.cutover.model.agent;

import java.time.Instant;
import java.util.List;

/**
 * What an agent reads about its host when asked: capacity, how much of it is free, and what its instances use.
 * A figure the host does not offer is -1.
 *
 * @param host the host's name, as in {@link AgentReport}
 * @param address the address the router connects to for this host's instances
 * @param system the operating system and kernel, e.g. {@code Linux 6.1.0}
 * @param cpus the CPUs the agent may use
 * @param load the load averages over 1, 5 and 15 minutes
 * @param memoryTotal bytes of memory
 * @param memoryAvailable bytes of memory available to new processes without swapping ({@code MemAvailable})
 * @param diskTotal bytes of the file system that holds the agent's data directory (builds, releases, logs)
 * @param diskFree bytes of it free to the agent
 * @param agentStarted when this agent started
 * @param instances what each live instance's process group uses, by instance
 */
public record HostFacts(String host, String address, String system, int cpus, List<Double> load, long memoryTotal,
        long memoryAvailable, long diskTotal, long diskFree, Instant agentStarted, List<InstanceUsage> instances) {

    public HostFacts {
        load = List.copyOf(load);
        instances = List.copyOf(instances);
    }

    /**
     * What one instance uses: every process of its process group, the app and the children it started.
     *
     * @param memory resident bytes, added up over the group
     * @param cpuSeconds user and system CPU time of the group's live processes
     * @param processes how many processes the group has
     */
    public record InstanceUsage(String id, long memory, double cpuSeconds, int processes) {}
}
