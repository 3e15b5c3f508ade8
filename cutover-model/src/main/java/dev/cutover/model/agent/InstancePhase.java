package dev.cutover.model.agent;

/**
 * Where an instance stands on its host.
 *
 * <pre>
 *  STARTING ──probes pass──▶ HEALTHY ◀──probes pass── UNHEALTHY
 *     │                        │  └──probes fail──────────▲
 *     │ exits                  │ exits
 *     ▼                        ▼
 *  BACKOFF ──restart──▶ STARTING      BACKOFF ──too many restarts──▶ CRASH_LOOPING (still retried, slower)
 *  any ──removed from desired state──▶ STOPPING ──▶ STOPPED
 *  FAILED: could not be started at all (build missing or corrupt, bad working directory); not retried
 * </pre>
 *
 * Process types without a port go from {@code STARTING} to {@code RUNNING} once started.
 */
public enum InstancePhase {
    STARTING,
    RUNNING,
    HEALTHY,
    UNHEALTHY,
    BACKOFF,
    CRASH_LOOPING,
    STOPPING,
    STOPPED,
    FAILED;

    /** Whether a process of this instance is alive now. */
    public boolean alive() {
        return switch (this) {
            case STARTING, RUNNING, HEALTHY, UNHEALTHY, STOPPING -> true;
            case BACKOFF, CRASH_LOOPING, STOPPED, FAILED -> false;
        };
    }
}
