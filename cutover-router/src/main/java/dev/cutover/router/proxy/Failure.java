package dev.cutover.router.proxy;

import dev.cutover.router.http.MalformedHttpException;
import dev.cutover.router.http.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Every way the router itself answers a request instead of a target: the one place a failure becomes a status
 * code, a short text body for a human, and a tag for metrics and logs (sent as {@code X-Cutover-Error}).
 */
enum Failure {
    /** The request could not be parsed, or is ambiguous in a way that could smuggle a second request. */
    BAD_REQUEST(400, "Bad Request", "bad_request"),
    /** The request body is larger than the route allows. */
    BODY_TOO_LARGE(413, "Content Too Large", "body_too_large"),
    /** The request line is longer than the router reads. */
    URI_TOO_LONG(414, "URI Too Long", "uri_too_long"),
    /** An {@code Expect} other than {@code 100-continue}. */
    EXPECTATION_FAILED(417, "Expectation Failed", "expectation_failed"),
    /** The client sent no byte of its request body, or read no byte of its response, for the client idle timeout. */
    CLIENT_TIMEOUT(408, "Request Timeout", "client_timeout"),
    /** The header section is larger than the router reads. */
    HEADERS_TOO_LARGE(431, "Request Header Fields Too Large", "headers_too_large"),
    /** No route serves the request's host (and path). */
    NO_ROUTE(404, "Not Found", "no_route"),
    /** The route has no active target with a positive weight. */
    NO_TARGET(503, "Service Unavailable", "no_target"),
    /** Every target tried already had the most connections allowed. */
    TARGETS_AT_CAPACITY(503, "Service Unavailable", "targets_at_capacity"),
    /** No target of the route accepted a connection (or every pooled connection turned out closed). */
    CONNECT_FAILED(502, "Bad Gateway", "connect_failed"),
    /** The request was sent, then the target closed the connection or sent garbage before a response. */
    TARGET_FAILED(502, "Bad Gateway", "target_failed"),
    /** The request was sent and the target's answer was not HTTP the router can read (a bad head or framing). */
    BAD_RESPONSE(502, "Bad Gateway", "bad_response"),
    /** The request was sent and the target's response head was larger than the router reads, or had more fields. */
    RESPONSE_HEAD_TOO_LARGE(502, "Bad Gateway", "response_head_too_large"),
    /** The request was sent and the target sent no response in time. */
    RESPONSE_TIMEOUT(504, "Gateway Timeout", "response_timeout");

    private static final byte[] CRLF = ForwardedHead.ascii("\r\n");

    private final int status;
    private final byte[] statusLine;
    private final String tag;
    private final byte[] tagField;

    Failure(int status, String reason, String tag) {
        this.status = status;
        this.statusLine = ForwardedHead.ascii("HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n");
        this.tag = tag;
        this.tagField = ForwardedHead.ascii("X-Cutover-Error: " + tag + "\r\n");
    }

    /** The failure of a head the router will not forward. */
    static Failure of(MalformedHttpException.Kind kind) {
        return switch (kind) {
            case MALFORMED -> BAD_REQUEST;
            case LINE_TOO_LONG -> URI_TOO_LONG;
            case HEADERS_TOO_LARGE -> HEADERS_TOO_LARGE;
            case EXPECTATION_FAILED -> EXPECTATION_FAILED;
        };
    }

    int status() {
        return status;
    }

    /** The metric and log tag. */
    String tag() {
        return tag;
    }

    /** Whether the failure counts against the target the request was sent to. */
    boolean countsAgainstTarget() {
        return switch (this) {
            case CONNECT_FAILED, TARGET_FAILED, BAD_RESPONSE, RESPONSE_HEAD_TOO_LARGE, RESPONSE_TIMEOUT -> true;
            case BAD_REQUEST, BODY_TOO_LARGE, URI_TOO_LONG, EXPECTATION_FAILED, CLIENT_TIMEOUT, HEADERS_TOO_LARGE,
                    NO_ROUTE, NO_TARGET, TARGETS_AT_CAPACITY -> false;
        };
    }

    /**
     * The text body.
     *
     * @param subject the host for {@link #NO_ROUTE}, the environment for failures of a route, the reason for
     *                malformed requests
     */
    String message(String subject) {
        return switch (this) {
            case BAD_REQUEST -> "bad request: " + subject;
            case BODY_TOO_LARGE -> "content too large: " + subject;
            case URI_TOO_LONG -> "URI too long: " + subject;
            case EXPECTATION_FAILED -> "expectation failed: " + subject;
            case CLIENT_TIMEOUT -> "request timeout: " + subject;
            case HEADERS_TOO_LARGE -> "request header fields too large: " + subject;
            case NO_ROUTE -> "not found: no environment is served at host '" + subject + "'";
            case NO_TARGET -> "service unavailable: " + subject + " has no active target";
            case TARGETS_AT_CAPACITY -> "service unavailable: every target of " + subject + " is at its connection limit";
            case CONNECT_FAILED -> "bad gateway: could not connect to any target of " + subject;
            case TARGET_FAILED -> "bad gateway: a target of " + subject + " closed the connection without a response";
            case BAD_RESPONSE -> "bad gateway: a target of " + subject + " sent a response that is not valid HTTP";
            case RESPONSE_HEAD_TOO_LARGE -> "bad gateway: a target of " + subject + " sent a response head larger "
                    + "than the router reads (" + ResponseHead.MAX_HEAD / 1024 + " KiB, " + ResponseHead.MAX_FIELDS
                    + " fields)";
            case RESPONSE_TIMEOUT -> "gateway timeout: a target of " + subject + " did not respond in time";
        };
    }

    /**
     * The whole response.
     *
     * @param headRequest a response to HEAD has its length but not its body
     */
    ByteBuf response(ByteBufAllocator alloc, String subject, byte[] requestId, boolean keepAlive,
            boolean headRequest) {
        byte[] body = (message(subject) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.directBuffer(statusLine.length + tagField.length + requestId.length + body.length + 96);
        out.writeBytes(statusLine);
        out.writeBytes(ForwardedHead.ascii("Content-Length: " + body.length + "\r\n"));
        out.writeBytes(ForwardedHead.ascii("X-Request-Id: ")).writeBytes(requestId).writeBytes(CRLF);
        out.writeBytes(tagField);
        if (!keepAlive) {
            out.writeBytes(ForwardedHead.ascii("Connection: close\r\n"));
        }
        out.writeBytes(CRLF);
        if (!headRequest) {
            out.writeBytes(body);
        }
        return out;
    }
}
