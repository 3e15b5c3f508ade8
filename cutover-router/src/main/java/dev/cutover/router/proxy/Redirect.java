package dev.cutover.router.proxy;

import dev.cutover.router.http.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** The answer of a route that serves HTTPS only to a request that came over plain HTTP. */
final class Redirect {

    private Redirect() {}

    /**
     * {@code 308 Permanent Redirect} to the same host and target over HTTPS: unlike 301, a 308 tells the client to
     * repeat the method and body, so a POST stays a POST.
     */
    static ByteBuf toHttps(ByteBufAllocator alloc, RequestHead request, int httpsPort, byte[] requestId,
            boolean keepAlive) {
        String host = request.host();
        String target = request.target();
        String pathAndQuery = target.startsWith("/") ? target : request.path();
        String location = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + pathAndQuery;
        byte[] body = ("redirecting to " + location + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuf out = alloc.directBuffer(256 + location.length() + body.length);
        out.writeBytes(ForwardedHead.ascii("HTTP/1.1 308 Permanent Redirect\r\nLocation: " + location
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nX-Request-Id: "));
        out.writeBytes(requestId);
        out.writeBytes(ForwardedHead.ascii(keepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n"));
        if (request.method() != dev.cutover.router.http.Method.HEAD) {
            out.writeBytes(body);
        }
        return out;
    }
}
