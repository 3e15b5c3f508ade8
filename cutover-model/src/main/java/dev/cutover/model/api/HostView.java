package dev.cutover.model.api;

import java.time.Instant;
import java.util.List;

/**
 * A host as the API shows it: the controller's contact with its agent, what the agent reads of the host, and the
 * instances running there. Figures the host does not offer are -1; all of them are -1 (and {@code system} null) when
 * its agent could not be asked.
 *
 * @param state {@code up} when its agent answered within the last few seconds; {@code silent} otherwise, with
 *              {@code error} saying what the last attempt met
 * @param lastReport when its agent last reported; null before the first report
 * @param revisionApplied the desired-state revision its agent has applied
 * @param revisionHanded the newest revision handed to it; higher than {@code revisionApplied} while it catches up
 * @param load load averages over 1, 5 and 15 minutes
 * @param memoryAvailable bytes of memory available to new processes without swapping
 * @param diskFree bytes free on the file system of the agent's data directory (builds, releases, logs)
 */
public record HostView(
        String name,
        String address,
        String state,
        Instant lastReport,
        String error,
        long revisionApplied,
        long revisionHanded,
        String system,
        int cpus,
        List<Double> load,
        long memoryTotal,
        long memoryAvailable,
        long diskTotal,
        long diskFree,
        Instant agentStarted,
        List<HostInstanceView> instances) {

    /**
     * An instance on a host and what its process group uses.
     *
     * @param memory resident bytes of its process group, -1 when not read
     * @param cpuSeconds CPU time its live processes have used, -1 when not read
     * @param processes how many processes its group has, 0 when not read
     */
    public record HostInstanceView(
            String id,
            String app,
            String env,
            int release,
            String version,
            String type,
            String phase,
            int port,
            long pid,
            long memory,
            double cpuSeconds,
            int processes,
            Instant startedAt) {}
}
