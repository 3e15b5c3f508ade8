package dev.cutover.engine.rollout;

/**
 * A deployment's phase.
 *
 * <pre>
 *  RUNNING ──all steps done──▶ SUCCEEDED
 *     │ step failed, deadline, abort
 *     ▼
 *  ROLLING_BACK ──stable release restored──▶ ROLLED_BACK
 *     │ the stable release fails too
 *     ▼
 *  FAILED
 * </pre>
 * A first deployment has no stable release: rolling back stops its instances and ends in {@code FAILED}.
 */
public enum Phase {
    RUNNING,
    ROLLING_BACK,
    SUCCEEDED,
    ROLLED_BACK,
    FAILED;

    public boolean finished() {
        return switch (this) {
            case RUNNING, ROLLING_BACK -> false;
            case SUCCEEDED, ROLLED_BACK, FAILED -> true;
        };
    }

    /** The API's word: {@code rolling-back}. */
    public String word() {
        return name().toLowerCase().replace('_', '-');
    }
}
