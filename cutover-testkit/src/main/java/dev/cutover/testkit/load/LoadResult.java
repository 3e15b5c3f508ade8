package dev.cutover.testkit.load;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The counts of a {@link LoadClient} run, final ({@link #finished()}) or a live snapshot.
 *
 * <p>Every request started is in {@link #sent()}; once finished, {@code sent == succeeded + failed}
 * (in a live snapshot the difference is the requests in flight). A request succeeds when a
 * complete 2xx response arrives; anything else is a failure of one {@link FailureKind}.
 *
 * @param sent              requests started, including those whose connection failed
 * @param succeeded         complete responses with a 2xx status
 * @param failed            requests that failed, of any kind
 * @param failuresByKind    failed requests by kind; every kind is present, zeros included
 * @param statusCounts      complete responses by status code, 2xx and others
 * @param countedHeader     the response header whose values are counted, or null
 * @param headerCounts      complete responses (any status) by the value of {@code countedHeader};
 *                          {@link #ABSENT} for responses without it; empty when no header is counted
 * @param lastHeaderValues  per worker, the value of {@code countedHeader} in that worker's last
 *                          complete response ({@link #ABSENT} without the header,
 *                          {@link #NO_RESPONSE} when the worker got none)
 * @param firstFailures     the first failures in the order they happened, up to the configured limit
 * @param connectionsOpened TCP connections the workers opened successfully
 * @param elapsed           time since the start, up to the end once finished
 * @param finished          false for a live snapshot
 */
public record LoadResult(
        long sent,
        long succeeded,
        long failed,
        Map<FailureKind, Long> failuresByKind,
        Map<Integer, Long> statusCounts,
        String countedHeader,
        Map<String, Long> headerCounts,
        List<String> lastHeaderValues,
        List<Failure> firstFailures,
        long connectionsOpened,
        Duration elapsed,
        boolean finished) {

    /** The header value recorded for a response that lacks the counted header. */
    public static final String ABSENT = "(absent)";
    /** The last value recorded for a worker that received no complete response. */
    public static final String NO_RESPONSE = "(no response)";

    /** How a request failed. */
    public enum FailureKind {
        /** The TCP connection could not be opened (refused, unreachable, connect timeout, unknown host). */
        CONNECT,
        /** The connection was reset or closed (EOF) before the response was complete, or the request could not be written. */
        RESET,
        /** No byte arrived within the read timeout. */
        TIMEOUT,
        /** A complete response arrived with a status outside 2xx. */
        STATUS,
        /** The bytes received are not a well-formed HTTP/1.x response. */
        PROTOCOL
    }

    /**
     * One failed request.
     *
     * @param at      wall-clock time of the failure
     * @param offset  time since the run started
     * @param worker  the worker's index, from 0
     * @param kind    the kind of failure
     * @param status  the status code for {@link FailureKind#STATUS}, else 0
     * @param detail  what happened, for a human reading a test failure
     */
    public record Failure(Instant at, Duration offset, int worker, FailureKind kind, int status, String detail) {
        @Override
        public String toString() {
            return String.format("+%d.%03ds worker %d %s%s: %s", offset.toSeconds(), offset.toMillisPart(), worker,
                    kind, status != 0 ? " " + status : "", detail);
        }
    }

    public LoadResult {
        Objects.requireNonNull(failuresByKind, "failuresByKind");
        EnumMap<FailureKind, Long> kinds = new EnumMap<>(FailureKind.class);
        for (FailureKind k : FailureKind.values()) kinds.put(k, failuresByKind.getOrDefault(k, 0L));
        failuresByKind = Collections.unmodifiableMap(kinds);
        statusCounts = Collections.unmodifiableMap(new TreeMap<>(statusCounts));
        headerCounts = Collections.unmodifiableMap(new TreeMap<>(headerCounts));
        lastHeaderValues = List.copyOf(lastHeaderValues);
        firstFailures = List.copyOf(firstFailures);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Failed requests of one kind. */
    public long failures(FailureKind kind) {
        return failuresByKind.get(kind);
    }

    /** Complete responses with this status code (2xx included). */
    public long responsesWithStatus(int status) {
        return statusCounts.getOrDefault(status, 0L);
    }

    /** Failures by status code: the non-2xx part of {@link #statusCounts()}. */
    public Map<Integer, Long> failuresByStatus() {
        return statusCounts.entrySet().stream()
                .filter(e -> e.getKey() < 200 || e.getKey() > 299)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** How many workers ended on each value of the counted header ("after completion"). */
    public Map<String, Long> lastHeaderValueCounts() {
        return Collections.unmodifiableMap(lastHeaderValues.stream()
                .collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting())));
    }

    /** Requests sent but neither succeeded nor failed yet: 0 once finished. */
    public long inFlight() {
        return sent - succeeded - failed;
    }

    /** A few lines for a test's failure message or a log. */
    public String summary() {
        Map<FailureKind, Long> nonZero = new LinkedHashMap<>();
        failuresByKind.forEach((k, v) -> {
            if (v > 0) nonZero.put(k, v);
        });
        StringBuilder sb = new StringBuilder();
        sb.append(finished ? "finished" : "running").append(" after ").append(elapsed.toMillis()).append("ms: ")
                .append(sent).append(" sent, ").append(succeeded).append(" succeeded, ").append(failed).append(" failed");
        if (!nonZero.isEmpty()) sb.append(' ').append(nonZero);
        sb.append(", ").append(connectionsOpened).append(" connections, statuses ").append(statusCounts);
        if (countedHeader != null) {
            sb.append("\n").append(countedHeader).append(": ").append(headerCounts)
                    .append(", last per worker: ").append(lastHeaderValueCounts());
        }
        for (Failure f : firstFailures) sb.append("\n  ").append(f);
        if (failed > firstFailures.size() && !firstFailures.isEmpty()) {
            sb.append("\n  ... ").append(failed - firstFailures.size()).append(" more failures");
        }
        return sb.toString();
    }
}
