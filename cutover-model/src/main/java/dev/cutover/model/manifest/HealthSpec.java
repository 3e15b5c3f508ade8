package dev.cutover.model.manifest;

import java.time.Duration;

/**
 * How an instance's health is probed. With a {@code path}, an HTTP GET to {@code http://127.0.0.1:PORT/path}
 * passes on a 2xx or 3xx; without one, a TCP connect to the port passes.
 *
 * @param path the HTTP path to probe, or null for a TCP connect probe
 * @param interval time between probes
 * @param timeout how long one probe may take
 * @param healthyThreshold consecutive passes that make an instance healthy
 * @param unhealthyThreshold consecutive failures that make a healthy instance unhealthy
 */
public record HealthSpec(String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    public static final HealthSpec TCP_DEFAULT = new HealthSpec(
            null, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_HEALTHY_THRESHOLD, DEFAULT_UNHEALTHY_THRESHOLD);

    public HealthSpec {
        if (path != null && !path.startsWith("/")) {
            throw new ManifestException("health.path", path, "a path starting with '/'");
        }
        requirePositive("health.interval", interval);
        requirePositive("health.timeout", timeout);
        if (healthyThreshold < 1 || healthyThreshold > 100) {
            throw new ManifestException("health.healthy-threshold", healthyThreshold, "an integer from 1 to 100");
        }
        if (unhealthyThreshold < 1 || unhealthyThreshold > 100) {
            throw new ManifestException("health.unhealthy-threshold", unhealthyThreshold, "an integer from 1 to 100");
        }
    }

    static void requirePositive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ManifestException(field, d == null ? null : DurationText.format(d), "a duration above zero, e.g. 1s");
        }
    }

    /** What the probe checks, for messages: {@code GET /health} or {@code TCP connect}. */
    public String describe() {
        return path == null ? "TCP connect" : "GET " + path;
    }
}
