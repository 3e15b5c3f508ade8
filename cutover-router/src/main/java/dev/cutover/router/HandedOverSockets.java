package dev.cutover.router;

import dev.cutover.model.routing.RoutingTable;
import java.util.Objects;

/**
 * Listening sockets a router in another process handed over, by file descriptor in this process, for a router that
 * takes its place without a moment in which the ports refuse connections. Both share the sockets, and so one accept
 * queue, until the old one closes its descriptors. Needs the epoll transport.
 *
 * @param http the HTTP listener's descriptor
 * @param https the HTTPS listener's descriptor, -1 without HTTPS
 * @param table the routing table the other router serves: applied before the first connection is accepted, since
 *              from then on the two routers take connections from the same queue
 */
public record HandedOverSockets(int http, int https, RoutingTable table) {

    public HandedOverSockets {
        if (http < 0) {
            throw new IllegalArgumentException("http: " + http + " (expected: a file descriptor, 0 or more)");
        }
        Objects.requireNonNull(table, "table");
    }
}
