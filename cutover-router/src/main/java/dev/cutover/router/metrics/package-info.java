/**
 * What the router counts and writes down: {@link dev.cutover.router.metrics.GroupMetrics} per target group of a
 * route (requests, responses by class, failures by tag, latency histogram), kept in the
 * {@link dev.cutover.router.metrics.MetricsRegistry} across tables; their Prometheus text
 * ({@link dev.cutover.router.metrics.PrometheusText}); and the {@link dev.cutover.router.metrics.AccessLog}.
 *
 * <p>Threads: event loops record into striped counters without locks; any thread reads snapshots. The access log
 * is formatted on the event loop and written by its own thread through a bounded queue that drops rather than
 * blocks.
 */
package dev.cutover.router.metrics;
