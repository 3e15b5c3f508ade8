package dev.cutover.store;

/** An environment: {@code servingRelease} is null until a deployment succeeds. */
public record EnvRow(long id, String app, String name, Integer servingRelease, int configRevision) {}
