package dev.cutover.store;

import java.time.Instant;

/**
 * A deployment; {@code state} is the engine's persisted state as JSON, {@code phase} its phase for queries;
 * {@code promotions} counts {@code cutover promote}, {@code paused} is set by {@code cutover pause}.
 */
public record DeploymentRow(
        long id, long envId, int release, Integer previousRelease, String kind, String strategy, String phase,
        String state, boolean abortRequested, Instant createdAt, Instant finishedAt, int promotions, boolean paused) {}
