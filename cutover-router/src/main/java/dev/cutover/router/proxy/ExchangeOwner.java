package dev.cutover.router.proxy;

import io.netty.channel.ChannelFuture;

/** How an {@link Exchange} hands the client connection back when it ends. Called on the client's event loop. */
interface ExchangeOwner {

    /** The exchange takes request body bytes now: its head reached the target and the target connection is writable. */
    void wantBody();

    /**
     * The response was relayed in full.
     *
     * @param lastWrite completes when its last byte is written; null when the connection stays open
     * @param keepAlive whether the response promised the client to keep the connection open
     * @param nowNanos when it ended ({@link System#nanoTime()}), for the idle timeout that starts
     */
    void exchangeSucceeded(ChannelFuture lastWrite, boolean keepAlive, long nowNanos);

    /**
     * No response was relayed; the router answers for the target.
     *
     * @param subject what the failure message names (the environment)
     */
    void exchangeFailed(Failure failure, String subject);

    /** The response was partly relayed and cannot be finished: the client connection must close. */
    void exchangeBroken();

    /** The target switched protocols: the client connection now belongs to the tunnel. */
    void upgraded(Tunnel tunnel);

    /** Whether the router is closing, so that no response promises to keep the connection open. */
    boolean closing();

    /**
     * Whether what is left of the request body, when a response comes before its end, is small enough to be read
     * and dropped so that the connection stays open; if not, the response says {@code Connection: close}.
     */
    boolean restOfBodyDroppable();
}
