/**
 * The HTTP/1.1 proxy: the client pipeline ({@link dev.cutover.router.proxy.FrontendInitializer}), the handler of
 * one client connection, the exchange that carries one request to a target and its response back (pick, connect,
 * retry while nothing was sent, stream both bodies with backpressure), header rewriting, and the one mapping of
 * failures to status codes.
 *
 * <p>Threads: a client connection, its exchanges and the target connections they use all run on one event loop,
 * so the stateful handlers here are confined to it and do not lock. They read the routing snapshot published by
 * {@code Router.apply} and the targets' atomic counters.
 */
package dev.cutover.router.proxy;
