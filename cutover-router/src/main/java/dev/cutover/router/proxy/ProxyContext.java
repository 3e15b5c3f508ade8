package dev.cutover.router.proxy;

import dev.cutover.router.pool.ConnectionPools;
import dev.cutover.router.routing.RoutingSnapshot;
import java.util.function.Supplier;

/**
 * What every client connection of a router shares: the current routing snapshot, the connection pools, and the
 * response timeout. Immutable; read by every event loop.
 */
record ProxyContext(Supplier<RoutingSnapshot> routing, ConnectionPools pools, long responseTimeoutMillis) {}
