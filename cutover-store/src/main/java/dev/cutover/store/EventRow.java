package dev.cutover.store;

import java.time.Instant;

/** One line of a deployment's history. */
public record EventRow(long deploymentId, int seq, Instant at, String message) {}
