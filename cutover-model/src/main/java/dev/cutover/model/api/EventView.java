package dev.cutover.model.api;

import java.time.Instant;

/** One line of a deployment's history. {@code seq} grows by one per event of a deployment. */
public record EventView(int seq, Instant at, String message) {}
