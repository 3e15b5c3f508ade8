package dev.cutover.model.api;

import java.time.Instant;

/**
 * A release: a build plus a config revision, numbered per environment.
 *
 * @param outcome how the deployment that made the release ended: {@code succeeded}, {@code rolled-back (REASON)},
 *     {@code failed (REASON)}, or its phase while it runs; null when no deployment made it
 * @param buildDeletedAt when its build was deleted as an old release's ({@code cutover server --keep-releases}): it
 *     can no longer be rolled back to; null while the build is kept
 */
public record ReleaseView(int number, String version, String build, int configRevision, String kind, boolean serving,
        Instant createdAt, String outcome, Instant buildDeletedAt) {

    /** Whether the deployment that made the release ended without it serving. */
    public boolean neverPassed() {
        return outcome != null && (outcome.startsWith("rolled-back") || outcome.startsWith("failed"));
    }
}
