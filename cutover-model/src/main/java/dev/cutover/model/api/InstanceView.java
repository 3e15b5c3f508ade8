package dev.cutover.model.api;

import java.time.Instant;

/**
 * An instance as the API shows it: what the controller wants of it and what its agent reports.
 *
 * @param routing {@code active}, {@code draining} or {@code none}
 */
public record InstanceView(
        String id,
        String type,
        int release,
        String version,
        String host,
        String phase,
        String reason,
        int port,
        long pid,
        int restarts,
        String routing,
        Instant startedAt) {}
