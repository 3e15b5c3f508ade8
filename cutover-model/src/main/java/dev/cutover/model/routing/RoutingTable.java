package dev.cutover.model.routing;

import java.util.List;

/**
 * A complete, immutable routing table. Versions only grow; a router acknowledges the highest version it has
 * applied, and the engine waits for that acknowledgement before it signals a process that the table removed.
 */
public record RoutingTable(long version, List<Route> routes) {
    public static final RoutingTable EMPTY = new RoutingTable(0, List.of());

    public RoutingTable {
        if (version < 0) {
            throw new IllegalArgumentException("version: " + version + " (expected: 0 or more)");
        }
        routes = List.copyOf(routes);
    }
}
