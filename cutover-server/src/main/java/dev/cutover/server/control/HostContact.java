package dev.cutover.server.control;

import java.time.Duration;
import java.time.Instant;

/**
 * The controller's last contact with a host's agent, as of the control loop's latest tick.
 *
 * @param lastReport when the agent last answered; null before its first answer
 * @param revisionApplied the desired-state revision the agent said it had applied
 * @param revisionHanded the newest desired-state revision handed to it by then
 * @param error what the latest attempt to read its report met; null when it answered
 */
public record HostContact(String host, Instant lastReport, long revisionApplied, long revisionHanded, String error) {

    /** How long an agent may go without answering before its host is shown as silent: 30 ticks of the loop. */
    public static final Duration SILENT_AFTER = Duration.ofSeconds(3);

    static HostContact none(String host) {
        return new HostContact(host, null, 0, 0, null);
    }

    HostContact answered(Instant at, long applied, long handed) {
        return new HostContact(host, at, applied, handed, null);
    }

    HostContact failed(RuntimeException e, long handed) {
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new HostContact(host, lastReport, revisionApplied, handed, what);
    }

    /** Whether the agent answered within {@link #SILENT_AFTER} of {@code now}. */
    public boolean up(Instant now) {
        return error == null && lastReport != null && Duration.between(lastReport, now).compareTo(SILENT_AFTER) <= 0;
    }
}
