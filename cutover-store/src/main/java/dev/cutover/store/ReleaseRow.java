package dev.cutover.store;

import java.time.Instant;

/**
 * A release: a build plus a config revision, numbered per environment; {@code manifest} is its JSON;
 * {@code buildDeletedAt} when its build was deleted from disk as an old release's ({@code cutover server
 * --keep-releases}), null while it is there.
 */
public record ReleaseRow(
        long envId, int number, String build, String version, int configRevision, String manifest, String kind,
        Instant createdAt, Instant buildDeletedAt) {}
