package dev.cutover.router.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;

/**
 * Every way the router itself answers a request instead of a target: the one place a failure becomes a status
 * code, a short text body for a human, and a tag for metrics and logs.
 */
enum Failure {
    /** The request could not be parsed, or is ambiguous in a way that could smuggle a second request. */
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "bad_request"),
    /** The request line is longer than the router reads. */
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long"),
    /** The header section is larger than the router reads. */
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large"),
    /** No route serves the request's host (and path). */
    NO_ROUTE(HttpResponseStatus.NOT_FOUND, "no_route"),
    /** The route has no active target with a positive weight. */
    NO_TARGET(HttpResponseStatus.SERVICE_UNAVAILABLE, "no_target"),
    /** Every target tried already had the most connections allowed. */
    TARGETS_AT_CAPACITY(HttpResponseStatus.SERVICE_UNAVAILABLE, "targets_at_capacity"),
    /** No target of the route accepted a connection (or every pooled connection turned out closed). */
    CONNECT_FAILED(HttpResponseStatus.BAD_GATEWAY, "connect_failed"),
    /** The request was sent, then the target closed the connection or sent garbage before a response. */
    TARGET_FAILED(HttpResponseStatus.BAD_GATEWAY, "target_failed"),
    /** The request was sent and the target sent no response in time. */
    RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "response_timeout");

    private final HttpResponseStatus status;
    private final String tag;

    Failure(HttpResponseStatus status, String tag) {
        this.status = status;
        this.tag = tag;
    }

    /** The failure of a request head the codec could not decode: too long a line or header section, or malformed. */
    static Failure ofDecoding(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HEADERS_TOO_LARGE;
        }
        return BAD_REQUEST;
    }

    HttpResponseStatus status() {
        return status;
    }

    /** The metric and log tag. */
    String tag() {
        return tag;
    }

    /** Whether the failure counts against the target the request was sent to. */
    boolean countsAgainstTarget() {
        return switch (this) {
            case CONNECT_FAILED, TARGET_FAILED, RESPONSE_TIMEOUT -> true;
            case BAD_REQUEST, URI_TOO_LONG, HEADERS_TOO_LARGE, NO_ROUTE, NO_TARGET, TARGETS_AT_CAPACITY -> false;
        };
    }

    /**
     * The text body.
     *
     * @param subject the host for {@link #NO_ROUTE}, the environment otherwise
     */
    String message(String subject) {
        return switch (this) {
            case BAD_REQUEST -> "bad request: " + subject;
            case URI_TOO_LONG -> "URI too long: " + subject;
            case HEADERS_TOO_LARGE -> "request header fields too large: " + subject;
            case NO_ROUTE -> "not found: no environment is served at host '" + subject + "'";
            case NO_TARGET -> "service unavailable: " + subject + " has no active target";
            case TARGETS_AT_CAPACITY -> "service unavailable: every target of " + subject + " is at its connection limit";
            case CONNECT_FAILED -> "bad gateway: could not connect to any target of " + subject;
            case TARGET_FAILED -> "bad gateway: a target of " + subject + " closed the connection without a response";
            case RESPONSE_TIMEOUT -> "gateway timeout: a target of " + subject + " did not respond in time";
        };
    }

    FullHttpResponse response(String subject, String requestId, boolean keepAlive) {
        byte[] body = (message(subject) + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(ForwardedHeaders.X_REQUEST_ID, requestId)
                .set("X-Cutover-Error", tag);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
