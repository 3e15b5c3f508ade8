package dev.cutover.model.agent;

import java.time.Instant;
import java.util.List;

/**
 * An agent's account of one instance.
 *
 * @param id the instance id
 * @param phase where it stands
 * @param reason a human sentence for the phase, e.g. {@code unhealthy: 3 probes failed: 503 from /health}
 * @param pid the process group leader's pid, 0 when none is running
 * @param port the port given to it, 0 for process types without one
 * @param restarts unexpected exits followed by a restart, since the instance was first started
 * @param startedAt when the current process started, null when none runs
 * @param probes the most recent probe results, newest last, e.g. {@code 12:00:01.250 fail: 503 from GET /health in 3ms}
 */
public record InstanceReport(
        String id,
        InstancePhase phase,
        String reason,
        long pid,
        int port,
        int restarts,
        Instant startedAt,
        List<String> probes) {

    public InstanceReport {
        probes = List.copyOf(probes);
    }
}
