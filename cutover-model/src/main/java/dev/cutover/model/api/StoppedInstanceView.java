package dev.cutover.model.api;

import java.time.Instant;

/**
 * An instance stopped a short while ago, and how it ended.
 *
 * @param stoppedAt when the controller stopped wanting it
 * @param ended how it ended as its agent reported it, e.g. {@code stopped by INT after 0.2s}, or what is known
 *              while no agent has reported it
 */
public record StoppedInstanceView(
        String id, String type, int release, String version, String host, Instant stoppedAt, String ended) {}
