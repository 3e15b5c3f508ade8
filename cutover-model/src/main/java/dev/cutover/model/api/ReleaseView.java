package dev.cutover.model.api;

import java.time.Instant;

/** A release: a build plus a config revision, numbered per environment. */
public record ReleaseView(
        int number, String version, String build, int configRevision, String kind, boolean serving, Instant createdAt) {}
