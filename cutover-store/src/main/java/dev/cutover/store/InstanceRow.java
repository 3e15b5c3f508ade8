package dev.cutover.store;

import java.time.Instant;

/**
 * An instance as the controller wants it.
 *
 * @param host the host it runs on
 * @param running whether it is wanted running
 * @param routing {@code NONE}, {@code ACTIVE} or {@code DRAINING}
 * @param stoppedAt when the controller stopped wanting it, null while it is wanted running
 * @param ended how it ended, as its agent reported it; null until then
 */
public record InstanceRow(
        String id, long envId, int release, String type, String host, boolean running, String routing,
        Instant createdAt, Instant stoppedAt, String ended) {}
