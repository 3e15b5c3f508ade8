package dev.cutover.router.proxy;

import dev.cutover.router.http.Field;
import dev.cutover.router.http.Fields;
import dev.cutover.router.http.RequestHead;
import dev.cutover.router.http.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The heads the router writes, straight from the bytes of the heads it parsed: hop-by-hop fields stay on their hop,
 * the target learns who asked ({@code X-Forwarded-*}), and both sides share one {@code X-Request-Id}. Every line is
 * written with CRLF whatever the sender used, so the next hop reads exactly what the router read.
 */
final class ForwardedHead {

    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] COLON = ascii(": ");
    private static final byte[] HTTP_11 = ascii(" HTTP/1.1\r\n");
    private static final byte[] STATUS_11 = ascii("HTTP/1.1 ");
    private static final byte[] XFF = ascii("X-Forwarded-For: ");
    private static final byte[] XFP_HTTP = ascii("X-Forwarded-Proto: http\r\n");
    private static final byte[] XFP_HTTPS = ascii("X-Forwarded-Proto: https\r\n");
    private static final byte[] XFH = ascii("X-Forwarded-Host: ");
    private static final byte[] XRI = ascii("X-Request-Id: ");
    private static final byte[] COMMA = ascii(", ");
    private static final byte[] UPGRADE_WEBSOCKET = ascii("Connection: Upgrade\r\nUpgrade: websocket\r\n");
    private static final byte[] CONNECTION_UPGRADE = ascii("Connection: Upgrade\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] HEX = ascii("0123456789abcdef");

    /** The largest body copied behind its response head rather than written as a buffer of its own. */
    static final int SMALL_BODY = 4096;

    private ForwardedHead() {}

    /**
     * The client's id if it sent a sane one (a new array), else 16 random bytes in hex written into {@code reuse}
     * (32 bytes, the connection's: valid for the request it was made for).
     */
    static byte[] requestId(RequestHead head, byte[] reuse) {
        int f = head.requestIdField();
        if (f >= 0) {
            byte[] id = new byte[head.fields().valueLength(f)];
            System.arraycopy(head.bytes(), head.fields().valueStart(f), id, 0, id.length);
            return id;
        }
        return randomRequestId(reuse);
    }

    /** 16 random bytes in hex. */
    static byte[] randomRequestId() {
        return randomRequestId(new byte[32]);
    }

    private static byte[] randomRequestId(byte[] id) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long a = random.nextLong();
        long b = random.nextLong();
        for (int i = 0; i < 16; i++) {
            id[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            id[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return id;
    }

    /**
     * The head sent to a target: HTTP/1.1 (the target connection is kept alive), the client's fields but the
     * hop-by-hop ones and {@code Expect} (the router answers it), the forwarding fields, the request id, and the
     * upgrade fields of a WebSocket handshake.
     */
    static ByteBuf toTarget(ByteBufAllocator alloc, RequestHead head, byte[] clientIp, boolean tls, byte[] requestId) {
        byte[] a = head.bytes();
        Fields fields = head.fields();
        ByteBuf out = alloc.directBuffer(head.length() + 160 + clientIp.length + requestId.length);
        out.writeBytes(a, 0, head.targetEnd());
        out.writeBytes(HTTP_11);
        for (int i = 0; i < fields.count(); i++) {
            switch (fields.kind(i)) {
                case OTHER, HOST, CONTENT_LENGTH, TRANSFER_ENCODING, CONTENT_TYPE -> field(out, a, fields, i);
                case CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, TE, TRAILER, UPGRADE, NAMED_IN_CONNECTION, EXPECT,
                        X_REQUEST_ID, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST -> { }
            }
        }
        // Every X-Forwarded-For the client sent, in order, in one field, then the client's own address.
        out.writeBytes(XFF);
        for (int i = 0; i < fields.count(); i++) {
            if (fields.kind(i) == Field.X_FORWARDED_FOR && fields.valueLength(i) > 0) {
                out.writeBytes(a, fields.valueStart(i), fields.valueLength(i)).writeBytes(COMMA);
            }
        }
        out.writeBytes(clientIp).writeBytes(CRLF);
        out.writeBytes(tls ? XFP_HTTPS : XFP_HTTP);
        int host = fields.first(Field.HOST);
        if (host >= 0) {
            out.writeBytes(XFH).writeBytes(a, fields.valueStart(host), fields.valueLength(host)).writeBytes(CRLF);
        }
        out.writeBytes(XRI).writeBytes(requestId).writeBytes(CRLF);
        if (head.webSocket()) {
            out.writeBytes(UPGRADE_WEBSOCKET);
        }
        out.writeBytes(CRLF);
        return out;
    }

    /**
     * The head sent to the client: HTTP/1.1, the target's status and fields but the hop-by-hop ones, and the
     * request id.
     *
     * @param keepAlive whether the client connection stays open after this response
     * @param http10Client an HTTP/1.0 client cannot read chunks: the body goes to it unframed and the connection
     *                     closes to end it (the caller then passes {@code keepAlive = false})
     */
    static ByteBuf toClient(ByteBufAllocator alloc, ResponseHead head, byte[] requestId, boolean keepAlive,
            boolean http10Client) {
        byte[] a = head.bytes();
        Fields fields = head.fields();
        boolean switching = head.status() == 101;
        boolean dropLength = head.framing() == ResponseHead.Framing.CHUNKED
                || head.framing() == ResponseHead.Framing.UNTIL_CLOSE;
        boolean dropCoding = http10Client;
        // Room for a small body too: the exchange appends one that arrives with its head, so the response goes out
        // as one buffer (one write instead of a gathering write of two).
        long smallBody = head.framing() == ResponseHead.Framing.LENGTH && head.contentLength() <= SMALL_BODY
                ? head.contentLength() : 0;
        ByteBuf out = alloc.directBuffer(head.length() + 96 + requestId.length + (int) smallBody);
        out.writeBytes(STATUS_11);
        writeStatus(out, head.status());
        out.writeByte(' ');
        out.writeBytes(a, head.reasonStart(), head.reasonEnd() - head.reasonStart());
        out.writeBytes(CRLF);
        for (int i = 0; i < fields.count(); i++) {
            switch (fields.kind(i)) {
                case OTHER, HOST, CONTENT_TYPE, EXPECT, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST ->
                        field(out, a, fields, i);
                case CONTENT_LENGTH -> {
                    if (!dropLength) {
                        field(out, a, fields, i);
                    }
                }
                case TRANSFER_ENCODING -> {
                    if (!dropCoding) {
                        field(out, a, fields, i);
                    }
                }
                case UPGRADE -> {
                    if (switching) {
                        field(out, a, fields, i);
                    }
                }
                case CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, TE, TRAILER, NAMED_IN_CONNECTION, X_REQUEST_ID -> { }
            }
        }
        out.writeBytes(XRI).writeBytes(requestId).writeBytes(CRLF);
        if (switching) {
            out.writeBytes(CONNECTION_UPGRADE);
        } else if (!keepAlive) {
            out.writeBytes(CONNECTION_CLOSE);
        } else if (http10Client) {
            out.writeBytes(CONNECTION_KEEP_ALIVE);
        }
        out.writeBytes(CRLF);
        return out;
    }

    private static void field(ByteBuf out, byte[] a, Fields fields, int i) {
        out.writeBytes(a, fields.nameStart(i), fields.nameLength(i));
        out.writeBytes(COLON);
        out.writeBytes(a, fields.valueStart(i), fields.valueLength(i));
        out.writeBytes(CRLF);
    }

    private static void writeStatus(ByteBuf out, int status) {
        out.writeByte('0' + status / 100 % 10);
        out.writeByte('0' + status / 10 % 10);
        out.writeByte('0' + status % 10);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
