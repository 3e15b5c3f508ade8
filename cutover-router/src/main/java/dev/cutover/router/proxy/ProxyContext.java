package dev.cutover.router.proxy;

import dev.cutover.router.health.PassiveHealth;
import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.metrics.MetricsRegistry;
import dev.cutover.router.pool.ConnectionPools;
import dev.cutover.router.routing.RoutingSnapshot;
import java.util.function.Supplier;

/**
 * What every client connection of a router shares: the current routing snapshot, the connection pools, passive
 * health, metrics, the access log ({@code null} when off) and the response timeout. Immutable; read by every event loop.
 */
record ProxyContext(Supplier<RoutingSnapshot> routing, ConnectionPools pools, PassiveHealth health,
        MetricsRegistry metrics, AccessLog accessLog, long responseTimeoutMillis) {}
