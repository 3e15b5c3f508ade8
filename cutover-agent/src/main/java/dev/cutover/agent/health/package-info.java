/**
 * Health probes of listening instances: an HTTP GET (2xx or 3xx passes), a TCP connect, or a command (exit 0
 * passes), on a schedule, with the
 * threshold logic that turns consecutive results into healthy and unhealthy.
 *
 * <p>Threading: one {@link dev.cutover.agent.health.Prober} serves all instances with a shared scheduler thread that
 * only dispatches; each probe runs on a virtual thread, at most one in flight per instance, bounded by the probe's
 * timeout. {@link dev.cutover.agent.health.HealthCounter} is a plain value-like state holder, confined to its
 * caller's lock.
 */
package dev.cutover.agent.health;
