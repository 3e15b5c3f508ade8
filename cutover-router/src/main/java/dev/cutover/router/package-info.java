/**
 * The router role: {@link dev.cutover.router.Router} (the {@code TrafficRouter} the engine steers) and its
 * {@link dev.cutover.router.RouterConfig} with its {@link dev.cutover.router.Transport}. These are the module's only
 * public API; the sub-packages are internal.
 *
 * <p>Threads: {@code apply} may be called from any thread and is serialised; it builds a new snapshot on the
 * calling thread, publishes it through a volatile field, then acknowledges the version, and finally asks each
 * event loop to close the idle connections of targets that stopped taking requests. Requests are served on the
 * worker event loops (epoll when available, NIO otherwise, io_uring when asked for), one loop per client connection
 * and its target connections.
 */
package dev.cutover.router;
