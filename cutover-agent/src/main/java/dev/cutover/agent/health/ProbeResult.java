package dev.cutover.agent.health;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One probe's result.
 *
 * @param outcome what happened, without timing: {@code 200 from GET /health}, {@code connection refused to TCP connect}
 * @param elapsed how long a probe that got an answer took; null when it got none
 * @param refused whether nothing accepted the connection to the instance's port
 */
public record ProbeResult(Instant at, boolean passed, String outcome, Duration elapsed, boolean refused) {

    public ProbeResult(Instant at, boolean passed, String outcome, Duration elapsed) {
        this(at, passed, outcome, elapsed, false);
    }

    /** A probe whose connection to the instance's port was refused. */
    static ProbeResult refused(Instant at, String outcome) {
        return new ProbeResult(at, false, outcome, null, true);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** {@code 12:00:01.250 pass: 200 from GET /health in 3ms}. */
    public String line(ZoneId zone) {
        return TIME.format(at.atZone(zone)) + (passed ? " pass: " : " fail: ") + outcome
                + (elapsed == null ? "" : " in " + elapsed.toMillis() + "ms");
    }
}
