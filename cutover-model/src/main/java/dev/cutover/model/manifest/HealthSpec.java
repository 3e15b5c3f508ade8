package dev.cutover.model.manifest;

import java.time.Duration;

/**
 * How an instance's health is probed, one of three kinds: with a {@code path}, an HTTP GET to
 * {@code http://127.0.0.1:PORT/path} passes on a 2xx or 3xx; with a {@code command}, the command (run with
 * {@code /bin/sh -c} in the instance's working directory and environment) passes when it exits 0 within the
 * timeout; with neither, a TCP connect to the port passes.
 *
 * @param path the HTTP path to probe; null for the other kinds
 * @param command the command to run; null for the other kinds
 * @param interval time between probes
 * @param timeout how long one probe may take
 * @param healthyThreshold consecutive passes that make an instance healthy
 * @param unhealthyThreshold consecutive failures that make a healthy instance unhealthy
 * @param startPeriod null: an instance that has not yet passed is starting for as long as it takes, its failures
 *                    never count. A duration: failures within it of the process start do not count; after it, an
 *                    instance that has still not passed becomes unhealthy after {@code unhealthyThreshold} failures
 * @param restartAfter null: an unhealthy instance keeps running, out of the router's table, until its probes pass
 *                     again. A duration: an instance unhealthy this long without a pass is restarted (its stop
 *                     signals, then a new start, counted as a restart with the same backoff and crash-loop limit)
 */
public record HealthSpec(
        String path,
        String command,
        Duration interval,
        Duration timeout,
        int healthyThreshold,
        int unhealthyThreshold,
        Duration startPeriod,
        Duration restartAfter) {

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
        if (path != null && !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // it goes into a request line as it is: a space or a control character would make it another request
            throw new ManifestException("health.path", path, "a path of printable ASCII without spaces; write a "
                    + "space or a non-ASCII character percent-encoded, e.g. %20 or %C3%BC for ü");
        }
        if (command != null && command.isBlank()) {
            throw new ManifestException("health.command", command, "a command, e.g. ./bin/check");
        }
        if (path != null && command != null) {
            throw new ManifestException("health.command", command, "either path or command, not both");
        }
        requirePositive("health.interval", interval);
        requirePositive("health.timeout", timeout);
        if (healthyThreshold < 1 || healthyThreshold > 100) {
            throw new ManifestException("health.healthy-threshold", healthyThreshold, "an integer from 1 to 100");
        }
        if (unhealthyThreshold < 1 || unhealthyThreshold > 100) {
            throw new ManifestException("health.unhealthy-threshold", unhealthyThreshold, "an integer from 1 to 100");
        }
        if (startPeriod != null && startPeriod.isNegative()) {
            throw new ManifestException("health.start-period", DurationText.format(startPeriod), "a duration, e.g. 10s");
        }
        if (restartAfter != null) {
            requirePositive("health.restart-after", restartAfter);
        }
    }

    /** An HTTP (with a path) or TCP probe without a start period. */
    public HealthSpec(String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {
        this(path, null, interval, timeout, healthyThreshold, unhealthyThreshold, null, null);
    }

    public HealthSpec withCommand(String newCommand) {
        return new HealthSpec(null, newCommand, interval, timeout, healthyThreshold, unhealthyThreshold, startPeriod,
                restartAfter);
    }

    public HealthSpec withStartPeriod(Duration period) {
        return new HealthSpec(path, command, interval, timeout, healthyThreshold, unhealthyThreshold, period,
                restartAfter);
    }

    public HealthSpec withRestartAfter(Duration after) {
        return new HealthSpec(path, command, interval, timeout, healthyThreshold, unhealthyThreshold, startPeriod,
                after);
    }

    static void requirePositive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ManifestException(field, d == null ? null : DurationText.format(d), "a duration above zero, e.g. 1s");
        }
    }

    /** What the probe checks, for messages: {@code GET /health}, {@code command ./check} or {@code TCP connect}. */
    public String describe() {
        return path != null ? "GET " + path : command != null ? "command " + command : "TCP connect";
    }
}
