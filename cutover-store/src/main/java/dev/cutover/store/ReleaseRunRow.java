package dev.cutover.store;

import java.time.Instant;

/**
 * A deployment's release command as the store keeps it.
 *
 * @param run the run's id, which also names its log
 * @param startedAt when the deployment started it
 * @param endedAt when the deployment saw it end, or stopped it; null while it is wanted on its host
 * @param outcome how it ended: {@code succeeded}, {@code failed}, {@code lost}, {@code start-failed} or
 *                {@code stopped}; null while it runs
 * @param durationMillis how long its process ran, as its agent measured it; null when unknown
 * @param output the last 64 KiB of its output, once it ended
 */
public record ReleaseRunRow(long deployment, long envId, int release, String run, String command, Instant startedAt,
        Instant endedAt, String outcome, Integer exitCode, Long durationMillis, String output) {

    public boolean ended() {
        return endedAt != null;
    }
}
