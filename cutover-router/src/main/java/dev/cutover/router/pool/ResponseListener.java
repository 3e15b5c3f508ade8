package dev.cutover.router.pool;

import io.netty.handler.codec.http.HttpObject;

/**
 * What a busy {@link BackendConnection} reports to the exchange it serves. Called on the connection's event loop,
 * which is also the event loop of the client the exchange serves.
 */
public interface ResponseListener {

    /** A part of the target's response; the listener owns it (and must release or pass it on). */
    void onResponsePart(HttpObject part);

    /** The end of a batch of reads: the time to flush what was written to the client. */
    void onResponseReadComplete();

    /** The connection to the target became writable or stopped being writable. */
    void onTargetWritabilityChanged(boolean writable);

    /** The connection closed while the listener was attached. */
    void onConnectionClosed();
}
