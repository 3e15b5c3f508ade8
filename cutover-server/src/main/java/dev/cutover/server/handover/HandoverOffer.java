package dev.cutover.server.handover;

import dev.cutover.model.routing.RoutingTable;

/**
 * What a running server hands the one taking over, besides its listening sockets.
 *
 * @param pid the running server's process, which the new one waits for to end before it opens the store
 * @param httpPort the port its router listens on
 * @param httpsPort its HTTPS port, -1 without HTTPS
 * @param table the routing table its router serves, as the new router starts
 * @param apiPort the port its API listens on; 0 from a server that did not say (an older one)
 */
public record HandoverOffer(long pid, int httpPort, int httpsPort, RoutingTable table, int apiPort) {}
