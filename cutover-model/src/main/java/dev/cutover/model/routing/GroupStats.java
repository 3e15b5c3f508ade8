package dev.cutover.model.routing;

import java.util.Map;

/**
 * What the router has seen of one target group of one route since the group first appeared in a table: the input
 * of canary analysis and autoscaling. Counters only grow; compare two snapshots to get rates.
 *
 * @param environment the route's environment
 * @param group the group's name (the release it serves); {@link #NO_GROUP} for requests the router answered before
 *              a group was picked (the route had no target: {@code no_target})
 * @param requests requests answered, whoever answered them (the target, or the router for a failure)
 * @param responsesByClass responses sent to clients by status class: {@code 1xx} (only 101), {@code 2xx}, {@code 3xx},
 *                         {@code 4xx}, {@code 5xx}; each key is always present
 * @param failures requests the router answered itself or cut short, by failure tag ({@code connect_failed},
 *                 {@code target_failed}, {@code bad_response}, {@code response_head_too_large}, {@code response_timeout},
 *                 {@code no_target}, {@code targets_at_capacity}; see docs/router.md);
 *                 only tags seen at least once are present
 * @param inFlight requests whose response has not completed
 * @param openConnections open connections to the group's targets, busy or idle
 * @param latency from the request head read to the last byte of the response written, of answered requests
 */
public record GroupStats(
        String environment,
        String group,
        long requests,
        Map<String, Long> responsesByClass,
        Map<String, Long> failures,
        int inFlight,
        int openConnections,
        LatencyHistogram latency) {

    /** The group name of requests answered before a group was picked. */
    public static final String NO_GROUP = "-";

    public GroupStats {
        responsesByClass = Map.copyOf(responsesByClass);
        failures = Map.copyOf(failures);
    }

    /** The key of a group in {@code TrafficRouter.groupStats()}: {@code ENVIRONMENT#GROUP}. */
    public static String key(String environment, String group) {
        return environment + "#" + group;
    }

    /** The share of answered requests that got a 5xx, 0 to 1; 0 without requests. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) responsesByClass.getOrDefault("5xx", 0L) / requests;
    }
}
