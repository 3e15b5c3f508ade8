package dev.cutover.router.http;

/**
 * The header fields the router itself reads or rewrites; every other field is {@link #OTHER} and passed on as it
 * came. Looked up once per field while parsing, by length first, so most fields cost one comparison.
 */
public enum Field {
    OTHER,
    HOST,
    CONTENT_LENGTH,
    TRANSFER_ENCODING,
    CONNECTION,
    KEEP_ALIVE,
    PROXY_CONNECTION,
    TE,
    TRAILER,
    UPGRADE,
    EXPECT,
    CONTENT_TYPE,
    X_REQUEST_ID,
    X_FORWARDED_FOR,
    X_FORWARDED_PROTO,
    X_FORWARDED_HOST,
    /** A field the message's {@code Connection} header names: hop-by-hop, dropped like the others. */
    NAMED_IN_CONNECTION;

    private static final Field[] VALUES = values();

    static Field of(int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * Hop-by-hop fields (RFC 9110 section 7.6.1), which stay on their hop. {@code Upgrade} is one: the proxy adds
     * it back itself for a WebSocket handshake it passes through.
     */
    public boolean hopByHop() {
        return switch (this) {
            case CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, TE, TRAILER, UPGRADE, NAMED_IN_CONNECTION -> true;
            case OTHER, HOST, CONTENT_LENGTH, TRANSFER_ENCODING, EXPECT, CONTENT_TYPE, X_REQUEST_ID, X_FORWARDED_FOR,
                    X_FORWARDED_PROTO, X_FORWARDED_HOST -> false;
        };
    }

    static Field classify(byte[] a, int from, int len) {
        return switch (len) {
            case 2 -> HttpChars.equalsLower(a, from, len, "te") ? TE : OTHER;
            case 4 -> HttpChars.equalsLower(a, from, len, "host") ? HOST : OTHER;
            case 6 -> HttpChars.equalsLower(a, from, len, "expect") ? EXPECT : OTHER;
            case 7 -> HttpChars.equalsLower(a, from, len, "upgrade") ? UPGRADE
                    : HttpChars.equalsLower(a, from, len, "trailer") ? TRAILER : OTHER;
            case 10 -> HttpChars.equalsLower(a, from, len, "connection") ? CONNECTION
                    : HttpChars.equalsLower(a, from, len, "keep-alive") ? KEEP_ALIVE : OTHER;
            case 12 -> HttpChars.equalsLower(a, from, len, "x-request-id") ? X_REQUEST_ID
                    : HttpChars.equalsLower(a, from, len, "content-type") ? CONTENT_TYPE : OTHER;
            case 14 -> HttpChars.equalsLower(a, from, len, "content-length") ? CONTENT_LENGTH : OTHER;
            case 15 -> HttpChars.equalsLower(a, from, len, "x-forwarded-for") ? X_FORWARDED_FOR : OTHER;
            case 16 -> HttpChars.equalsLower(a, from, len, "x-forwarded-host") ? X_FORWARDED_HOST
                    : HttpChars.equalsLower(a, from, len, "proxy-connection") ? PROXY_CONNECTION : OTHER;
            case 17 -> HttpChars.equalsLower(a, from, len, "transfer-encoding") ? TRANSFER_ENCODING
                    : HttpChars.equalsLower(a, from, len, "x-forwarded-proto") ? X_FORWARDED_PROTO : OTHER;
            default -> OTHER;
        };
    }
}
