package dev.cutover.store;

import java.time.Instant;

/**
 * An instance as the controller wants it.
 *
 * @param host the host it runs on
 * @param running whether it is wanted running
 * @param routing {@code NONE}, {@code ACTIVE} or {@code DRAINING}
 */
public record InstanceRow(
        String id, long envId, int release, String type, String host, boolean running, String routing,
        Instant createdAt) {}
