package dev.cutover.router.http;

/** The request methods the router treats specially; every other token is {@link #OTHER}. */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT, OTHER;

    /** Methods that change nothing when repeated (RFC 9110 section 9.2.2), minus PUT and DELETE: safe to replay. */
    public boolean replayable() {
        return switch (this) {
            case GET, HEAD, OPTIONS, TRACE -> true;
            case POST, PUT, DELETE, PATCH, CONNECT, OTHER -> false;
        };
    }

    static Method of(byte[] a, int len) {
        return switch (len) {
            case 3 -> is(a, len, "GET") ? GET : is(a, len, "PUT") ? PUT : OTHER;
            case 4 -> is(a, len, "HEAD") ? HEAD : is(a, len, "POST") ? POST : OTHER;
            case 5 -> is(a, len, "PATCH") ? PATCH : is(a, len, "TRACE") ? TRACE : OTHER;
            case 6 -> is(a, len, "DELETE") ? DELETE : OTHER;
            case 7 -> is(a, len, "OPTIONS") ? OPTIONS : is(a, len, "CONNECT") ? CONNECT : OTHER;
            default -> OTHER;
        };
    }

    /** Methods are case-sensitive: {@code get} is not {@code GET}. */
    private static boolean is(byte[] a, int len, String name) {
        for (int i = 0; i < len; i++) {
            if (a[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
