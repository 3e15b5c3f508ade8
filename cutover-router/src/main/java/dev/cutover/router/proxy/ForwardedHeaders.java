package dev.cutover.router.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The header rewriting of a proxied exchange: hop-by-hop headers stay on their hop, the target learns who asked
 * ({@code X-Forwarded-*}), and both sides share one {@code X-Request-Id}.
 */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");

    private static final int MAX_REQUEST_ID_LENGTH = 128;

    /**
     * Hop-by-hop headers (RFC 9110 section 7.6.1) dropped in both directions. {@code Transfer-Encoding} stays:
     * the codecs re-frame the body from it. {@code Upgrade} goes, so no target switches protocols on us.
     */
    private static final List<AsciiString> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            AsciiString.cached("proxy-connection"),
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.UPGRADE);

    private ForwardedHeaders() {}

    /** The client's id if it sent a sane one, else 16 random bytes in hex. */
    static String requestId(HttpRequest request) {
        String id = request.headers().get(X_REQUEST_ID);
        if (id != null && !id.isEmpty() && id.length() <= MAX_REQUEST_ID_LENGTH && isPrintableAscii(id)) {
            return id;
        }
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The head sent to the target: HTTP/1.1 (the target connection is kept alive), same Host, forwarded headers.
     * The client's headers are rewritten in place and shared with the result (no copy on the hot path): read what
     * the client asked for, such as keep-alive, before calling this.
     */
    static HttpRequest toTarget(HttpRequest request, String clientIp, String requestId) {
        HttpHeaders headers = request.headers();
        stripHopByHop(headers);
        if (headers.contains(X_FORWARDED_FOR)) {
            String forwardedFor = String.join(", ", headers.getAll(X_FORWARDED_FOR));
            headers.set(X_FORWARDED_FOR, forwardedFor.isBlank() ? clientIp : forwardedFor + ", " + clientIp);
        } else {
            headers.set(X_FORWARDED_FOR, clientIp);
        }
        headers.set(X_FORWARDED_PROTO, "http");
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        headers.set(X_REQUEST_ID, requestId);
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
    }

    /**
     * The head sent to the client. {@code keepAlive} is whether the client connection stays open after this
     * response; an HTTP/1.0 client cannot read chunks, so a chunked body goes to it unframed and the connection
     * closes to end it (the caller has then passed {@code keepAlive = false}).
     */
    static HttpResponse toClient(HttpResponse response, HttpVersion clientVersion, String requestId,
            boolean keepAlive) {
        // Rewritten in place, like the request's: the target's head is not used after this.
        HttpHeaders headers = response.headers();
        stripHopByHop(headers);
        headers.set(X_REQUEST_ID, requestId);
        if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            if (keepAlive) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers);
    }

    private static void stripHopByHop(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            HOP_BY_HOP.forEach(headers::remove);
            return;
        }
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                // Framing and routing headers are never dropped because a client listed them: a body framed by a
                // Content-Length the target does not see would be read there as the next request (smuggling).
                if (!name.isEmpty() && !name.equals("transfer-encoding") && !name.equals("content-length")
                        && !name.equals("host") && !name.startsWith("x-forwarded-") && !name.equals("x-request-id")) {
                    headers.remove(name);
                }
            }
        }
        HOP_BY_HOP.forEach(headers::remove);
    }

    private static boolean isPrintableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
