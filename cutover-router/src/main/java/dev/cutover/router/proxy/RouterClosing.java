package dev.cutover.router.proxy;

/**
 * The event sent down every client pipeline when the router closes: an idle client connection closes at once, a
 * busy one after its current response.
 */
public enum RouterClosing {
    INSTANCE
}
