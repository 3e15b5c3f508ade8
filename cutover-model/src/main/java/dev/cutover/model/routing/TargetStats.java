package dev.cutover.model.routing;

/**
 * What the router has seen of one target since it first appeared in a table.
 *
 * @param inFlight requests sent to the target whose response has not completed
 * @param openConnections connections to the target, busy or idle
 * @param requests requests completed
 * @param failures requests that ended in a 5xx made by the router or a failed connection
 */
public record TargetStats(String instance, int inFlight, int openConnections, long requests, long failures) {}
