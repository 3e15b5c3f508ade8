package dev.cutover.router.proxy;

import dev.cutover.router.health.PassiveHealth;
import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.metrics.MetricsRegistry;
import dev.cutover.router.pool.ConnectionPools;
import dev.cutover.router.routing.RoutingSnapshot;
import java.util.function.Supplier;

/**
 * What every client connection of a router shares: the current routing snapshot, the connection pools, passive
 * health, metrics, the access log ({@code null} when off) and the timeouts. Immutable; read by every event loop.
 *
 * @param responseTimeoutNanos how long a target may take to start its response once the request is sent
 * @param clientIdleTimeoutNanos how long a client connection may sit between requests
 * @param tunnelIdleTimeoutNanos how long a WebSocket may carry nothing either way
 * @param tunnelDrainGraceNanos how long a WebSocket to a draining target stays open before it gets a close frame, and
 *                              a server-sent event stream before it ends
 * @param httpsPort the port HTTPS is served on, for redirects from plain HTTP (443 when there is no TLS listener)
 */
record ProxyContext(Supplier<RoutingSnapshot> routing, ConnectionPools pools, PassiveHealth health,
        MetricsRegistry metrics, AccessLog accessLog, long responseTimeoutNanos, long clientIdleTimeoutNanos,
        long tunnelIdleTimeoutNanos, long tunnelDrainGraceNanos, int httpsPort) {}
