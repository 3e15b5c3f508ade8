package dev.cutover.model.agent;

/**
 * Where a one-off run stands on its host.
 *
 * <pre>
 *  STARTING ──started──▶ RUNNING ──exited, exit code written──▶ EXITED
 *     │                     └──gone without an exit code────▶ LOST
 *     └──build or launch error──▶ FAILED
 *  STARTING, RUNNING ──no longer desired──▶ STOPPING ──group gone──▶ (forgotten)
 *  EXITED, FAILED, LOST ──no longer desired──▶ (forgotten)
 * </pre>
 *
 * A run is never started again: not when it exits, fails or is lost, and not after an agent restart, which adopts
 * a run still running and learns the exit code of one that ended meanwhile.
 */
public enum RunState {
    STARTING,
    RUNNING,
    STOPPING,
    EXITED,
    FAILED,
    LOST;

    /** Whether the run is over: nothing more will happen to it or be written to its output. */
    public boolean ended() {
        return switch (this) {
            case STARTING, RUNNING, STOPPING -> false;
            case EXITED, FAILED, LOST -> true;
        };
    }
}
