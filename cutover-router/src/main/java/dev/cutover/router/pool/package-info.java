/**
 * Keep-alive connections to targets: one {@link dev.cutover.router.pool.ConnectionPool} per event loop, holding
 * {@link dev.cutover.router.pool.BackendConnection}s that are idle, and handing them (or new ones) to exchanges.
 *
 * <p>Threads: a pool and its connections are touched only by their event loop, which is also the loop of the
 * clients they serve, so nothing here locks. Other threads reach a pool only by submitting a task to its loop
 * ({@link dev.cutover.router.pool.ConnectionPools#forEach}). Public types here are internal to the router module.
 */
package dev.cutover.router.pool;
