package dev.cutover.agent.supervisor;

import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceSpec;

/**
 * What {@code state.json} keeps of one instance so that a restarted agent can adopt it.
 *
 * @param pid 0 when no process runs
 * @param startTime {@code /proc/PID/stat} field 22 of that process: a pid with another start time is someone else
 * @param phase the phase when saved: an instance saved healthy is adopted as healthy until probes say otherwise
 * @param stopSince when its stop sequence began, while it is stopping (null otherwise, and in records saved before it
 *     was kept): an agent that adopts it goes on with that sequence instead of starting it again
 */
record InstanceRecord(
        String id,
        InstanceSpec spec,
        long pid,
        long startTime,
        int port,
        String logFile,
        int restarts,
        InstancePhase phase,
        java.time.Instant stopSince) {

    InstanceRecord(String id, InstanceSpec spec, long pid, long startTime, int port, String logFile, int restarts,
            InstancePhase phase) {
        this(id, spec, pid, startTime, port, logFile, restarts, phase, null);
    }
}
