package dev.cutover.model.api;

import java.time.Instant;
import java.util.List;

/**
 * A deployment as the API shows it.
 *
 * @param kind {@code deploy}, {@code rollback} or {@code config}
 * @param phase {@code running}, {@code rolling-back}, {@code succeeded}, {@code rolled-back}, {@code failed}
 * @param step what it is doing now, in words
 * @param reason why it failed, a machine word such as {@code unhealthy}; null unless it failed
 * @param message the human account of the failure, with its evidence
 * @param awaiting what a running deployment waits for from a person: {@code promote} (an approval or a pause),
 *                 {@code keep-old} (the new release serves; the old set is warm for an instant rollback),
 *                 {@code resume} (paused on request), or null
 * @param releaseCommand the release command, once the deployment started it; null before, and for a deployment without one
 * @param failedInstance the instance (or release command run) the failure is about, whose log tells more; null when
 *                 none is, or it did not fail
 */
public record DeploymentView(
        long id,
        String app,
        String env,
        int release,
        Integer previousRelease,
        String version,
        String kind,
        String strategy,
        String phase,
        String step,
        String reason,
        String message,
        Instant createdAt,
        Instant finishedAt,
        List<EventView> events,
        String awaiting,
        ReleaseCommandView releaseCommand,
        String failedInstance) {

    public boolean finished() {
        return finishedAt != null;
    }
}
