package dev.cutover.agent.log;

import java.time.Duration;

/**
 * How instance logs are kept.
 *
 * @param maxBytes the live part of a log is rotated out once it exceeds this many bytes
 * @param keep how many rotated segments to keep per instance (older ones are deleted)
 * @param markInterval how often the agent notes each log's size and the time, which dates the lines; also how often
 *                     it checks for rotation
 */
public record LogPolicy(long maxBytes, int keep, Duration markInterval) {

    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_KEEP = 5;
    public static final Duration DEFAULT_MARK_INTERVAL = Duration.ofMillis(200);
    public static final LogPolicy DEFAULT = new LogPolicy(DEFAULT_MAX_BYTES, DEFAULT_KEEP, DEFAULT_MARK_INTERVAL);

    public LogPolicy {
        if (maxBytes < 4096) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 4096 or more)");
        }
        if (keep < 1 || keep > 1000) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: 1 to 1000)");
        }
        if (markInterval == null || markInterval.toMillis() < 10 || markInterval.toSeconds() > 10) {
            throw new IllegalArgumentException("markInterval: " + markInterval + " (expected: 10ms to 10s)");
        }
    }
}
