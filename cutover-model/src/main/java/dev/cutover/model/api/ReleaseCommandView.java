package dev.cutover.model.api;

import java.time.Instant;

/**
 * A deployment's release command as the API shows it: what ran, how it ended, and what it printed.
 *
 * @param command the manifest's {@code release:} command
 * @param run the run's id, which also names its log: {@code cutover logs APP --instance RUN}
 * @param state {@code running}, {@code succeeded} (exit code 0), {@code failed} (another exit code), {@code lost}
 *              (its process went away without an exit code), {@code start-failed} (it could not be started) or
 *              {@code stopped} (the deployment stopped it: an abort, or the step's deadline)
 * @param exitCode its exit code when it exited; null otherwise
 * @param startedAt when the deployment started it
 * @param endedAt when the deployment saw it end; null while it runs
 * @param durationMillis how long its process ran, as its agent measured it; null when unknown
 * @param output the last 64 KiB of its combined stdout and stderr, kept with the deployment once it ended; null while
 *               it runs (read the live log instead)
 */
public record ReleaseCommandView(
        String command,
        String run,
        String state,
        Integer exitCode,
        Instant startedAt,
        Instant endedAt,
        Long durationMillis,
        String output) {

    public boolean running() {
        return endedAt == null;
    }
}
