package dev.cutover.router.pool;

import dev.cutover.router.http.ResponseHead;
import io.netty.buffer.ByteBuf;

/**
 * What a busy {@link BackendConnection} reports to the exchange (or tunnel) it serves. Called on the connection's
 * event loop, which is also the event loop of the client it serves.
 */
public interface ResponseListener {

    /**
     * The head of the final response, or of a {@code 101} that switches the connection to a tunnel. Interim
     * responses (100, 103) are not reported.
     */
    void onResponseHead(ResponseHead head);

    /**
     * The next bytes of the response body as framed on the wire (chunked bodies keep their framing), or of the
     * tunnel after a {@code 101}. The listener owns {@code part}. {@code last}: the response ends here, and the
     * connection is free for the next request once the listener releases it.
     */
    void onResponseBody(ByteBuf part, boolean last);

    /**
     * The target sent something that is not HTTP, a body whose framing is broken, or a head larger than the router
     * reads ({@code tooLarge}). The connection is closed.
     */
    void onResponseMalformed(String reason, boolean tooLarge);

    /** The response timeout passed with no response head. */
    void onResponseTimeout();

    /** The end of a batch of reads: the time to flush what was written to the client. */
    void onResponseReadComplete();

    /** The connection to the target became writable or stopped being writable. */
    void onTargetWritabilityChanged(boolean writable);

    /** The connection closed while the listener was attached (before the response's end). */
    void onConnectionClosed();
}
