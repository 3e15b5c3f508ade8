package dev.cutover.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The checks a decoded request head must pass before it is routed, beyond what the codec already enforces (a
 * well-formed request line, header names that are tokens, one consistent {@code Content-Length}). Each one closes
 * a way for a target to read a different request than the router did, or to be sent somewhere the router did not
 * choose. Pure: returns why the request is refused, or {@code null}.
 */
final class RequestCheck {

    private RequestCheck() {}

    static String problem(HttpRequest request) {
        HttpHeaders headers = request.headers();
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        String host = hosts.isEmpty() ? null : hosts.get(0);
        if (host == null && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return "no Host header";
        }
        if (host != null && !isAuthority(host)) {
            return "Host header is not a host name or address: '" + printable(host) + "'";
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            return "CONNECT is not served";
        }
        String uri = request.uri();
        if (!uri.startsWith("/")) {
            if (uri.equals("*") && HttpMethod.OPTIONS.equals(request.method())) {
                return null;
            }
            String authority = absoluteFormAuthority(uri);
            if (authority == null) {
                return "request target is neither a path nor an absolute http(s) URI: '" + printable(uri) + "'";
            }
            if (host != null && !RequestTarget.host(authority).equals(RequestTarget.host(host))) {
                return "request target host '" + printable(authority) + "' differs from Host '" + printable(host) + "'";
            }
        }
        List<String> encodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!encodings.isEmpty()) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                return "Transfer-Encoding in an HTTP/1.0 request";
            }
            if (encodings.size() > 1 || !encodings.get(0).trim().equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding other than a single 'chunked'";
            }
            if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return ServerCodec.BOTH_LENGTHS;
            }
        }
        return null;
    }

    /** The authority of {@code http://authority/path}, or {@code null} if the text is not of that form. */
    private static String absoluteFormAuthority(String uri) {
        int start;
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            start = 7;
        } else if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            start = 8;
        } else {
            return null;
        }
        int end = start;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(start, end);
        return isAuthority(authority) ? authority : null;
    }

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; no user info, spaces or paths. */
    static boolean isAuthority(String value) {
        String text = value.trim();
        if (text.isEmpty() || text.length() > 255) {
            return false;
        }
        int i = 0;
        if (text.charAt(0) == '[') {
            int close = text.indexOf(']');
            if (close < 0) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = text.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < text.length() && text.charAt(i) != ':'; i++) {
                char c = text.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                        || c == '_')) {
                    return false;
                }
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == text.length()) {
            return true;
        }
        if (text.charAt(i) != ':' || i + 1 == text.length() || text.length() - i - 1 > 5) {
            return false;
        }
        for (int p = i + 1; p < text.length(); p++) {
            if (text.charAt(p) < '0' || text.charAt(p) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 64));
        for (int i = 0; i < text.length() && i < 64; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
