package dev.cutover.router.proxy;

/**
 * The events sent down every client pipeline when the router closes.
 */
public enum RouterClosing {
    /** Nothing will serve the port: an idle client connection closes at once, a busy one after its response. */
    INSTANCE,
    /**
     * Another router serves the port from now on: a busy connection closes after its response, and an idle one
     * after {@link #IDLE_GRACE_MILLIS} unless a request arrives first, which is answered with
     * {@code Connection: close}. Closing an idle keep-alive connection at once would race with a request the client
     * may be sending on it at that moment, which would then fail; this way the client learns to reconnect from a
     * response. A connection whose response head left without {@code Connection: close} before the handover began
     * was promised to the client all the same: it is treated as idle once that response ends.
     */
    HANDED_OVER;

    public static final long IDLE_GRACE_MILLIS = 1000;
}
