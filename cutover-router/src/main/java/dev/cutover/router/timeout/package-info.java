/**
 * Timeouts on the hot path: {@link dev.cutover.router.timeout.LazyTimer}, a deadline that moves with every request
 * and costs a field write to move.
 *
 * <p>Threads: a timer belongs to one event loop and is touched only by it.
 */
package dev.cutover.router.timeout;
