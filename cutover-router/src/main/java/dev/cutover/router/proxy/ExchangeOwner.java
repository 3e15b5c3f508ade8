package dev.cutover.router.proxy;

import io.netty.channel.ChannelFuture;

/** How an {@link Exchange} hands the client connection back when it ends. Called on the client's event loop. */
interface ExchangeOwner {

    /** The response was relayed in full; {@code lastWrite} completes when its last byte is written. */
    void exchangeSucceeded(ChannelFuture lastWrite, boolean keepAlive);

    /**
     * No response was relayed; the router answers for the target.
     *
     * @param subject what the failure message names (the environment)
     * @param requestComplete whether the whole request body was read from the client
     */
    void exchangeFailed(Failure failure, String subject, boolean requestComplete);

    /** The response was partly relayed and cannot be finished: the client connection must close. */
    void exchangeBroken();

    /** Whether the router is closing, so that no response promises to keep the connection open. */
    boolean closing();
}
