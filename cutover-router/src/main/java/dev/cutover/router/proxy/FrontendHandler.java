package dev.cutover.router.proxy;

import dev.cutover.router.routing.RouteEntry;
import dev.cutover.router.routing.RoutingSnapshot;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads requests one at a time, routes each to an {@link Exchange} or answers it itself,
 * and keeps the connection alive between them. The channel reads only when this handler or its exchange asks
 * (auto-read off, {@link OneMessagePerRead} in front), so pipelined requests
 * wait in the socket until the response before them is done.
 *
 * <pre>
 *   awaiting request ──▶ proxying ──▶ awaiting request (keep-alive)
 *          │                 └──────▶ discarding body ──▶ awaiting request (the router answered early)
 *          └─ bad request, Connection: close, broken response, router closing ──▶ closed
 * </pre>
 *
 * <p>Threads: touched only by the client channel's event loop.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter implements ExchangeOwner {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private enum State { AWAITING_REQUEST, PROXYING, DISCARDING_BODY, CLOSED }

    private final ProxyContext context;
    private ChannelHandlerContext ctx;
    private String clientIp = "unknown";
    private State state = State.AWAITING_REQUEST;
    private boolean routerClosing;

    private HttpRequest request;
    private String requestId;
    private boolean requestKeepAlive;
    private boolean requestHasBody;
    private Exchange exchange;

    FrontendHandler(ProxyContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext channelContext) {
        ctx = channelContext;
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            clientIp = inet.getAddress().getHostAddress();
        }
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext channelContext, Object msg) {
        switch (state) {
            case AWAITING_REQUEST -> onRequestHead(msg);
            case PROXYING -> onProxiedContent(msg);
            case DISCARDING_BODY -> onDiscardedContent(msg);
            case CLOSED -> ReferenceCountUtil.release(msg);
        }
    }

    private void onRequestHead(Object msg) {
        if (!(msg instanceof HttpRequest head)) {
            // The rest of a message the decoder gave up on; it has already been answered.
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        request = head;
        requestId = ForwardedHeaders.requestId(head);
        if (head.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            Throwable cause = head.decoderResult().cause();
            reject(Failure.ofDecoding(cause), String.valueOf(cause.getMessage()));
            return;
        }
        String problem = RequestCheck.problem(head);
        if (problem != null) {
            ReferenceCountUtil.release(msg);
            reject(Failure.BAD_REQUEST, problem);
            return;
        }
        // Read before the exchange rewrites the head in place (and drops Connection).
        requestKeepAlive = HttpUtil.isKeepAlive(head);
        requestHasBody = hasBody(head);
        String hostHeader = head.headers().get(HttpHeaderNames.HOST);
        String host = RequestTarget.host(hostHeader);
        String path = RequestTarget.path(head.uri());
        RoutingSnapshot snapshot = context.routing().get();
        RouteEntry route = snapshot.resolve(host, path);
        if (route == null) {
            ReferenceCountUtil.release(msg);
            context.metrics().unrouted(Failure.NO_ROUTE.tag());
            respond(Failure.NO_ROUTE, host, false);
            return;
        }
        state = State.PROXYING;
        exchange = new Exchange(ctx, this, context, head, host, path, clientIp, requestId);
        exchange.start(route);
        if (msg instanceof HttpContent content) {
            onProxiedContent(content);
        }
    }

    private void onProxiedContent(Object msg) {
        if (!(msg instanceof HttpContent content) || exchange == null) {
            // Nothing else is read while proxying; anything else means the protocol state is lost.
            ReferenceCountUtil.release(msg);
            closeNow();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            log.debug("request {}: malformed body from {}", requestId, clientIp);
            // The target got part of a request that will never end: its connection goes. The client gets a 400
            // unless part of a response was already relayed to it.
            boolean answerable = !exchange.responseStarted();
            exchange.abort();
            exchange = null;
            if (answerable) {
                reject(Failure.BAD_REQUEST, "malformed body: " + content.decoderResult().cause().getMessage());
            } else {
                closeNow();
            }
            return;
        }
        exchange.onRequestContent(content);
    }

    private void onDiscardedContent(Object msg) {
        boolean last = msg instanceof LastHttpContent;
        boolean failed = msg instanceof HttpContent content && content.decoderResult().isFailure();
        ReferenceCountUtil.release(msg);
        if (failed) {
            closeNow();
        } else if (last) {
            awaitNextRequest();
        } else {
            ctx.read();
        }
    }

    @Override
    public void exchangeSucceeded(ChannelFuture lastWrite, boolean keepAlive) {
        exchange = null;
        if (keepAlive && !routerClosing) {
            awaitNextRequest();
        } else {
            state = State.CLOSED;
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exchangeFailed(Failure failure, String subject, boolean requestComplete) {
        exchange = null;
        respond(failure, subject, requestComplete);
    }

    @Override
    public void exchangeBroken() {
        exchange = null;
        closeNow();
    }

    @Override
    public boolean closing() {
        return routerClosing;
    }

    /**
     * Answers the current request with a failure. The connection stays open if the client wants it and what is
     * left of the request is only its (empty) end, which is then read and dropped.
     */
    private void respond(Failure failure, String subject, boolean requestComplete) {
        boolean bodyLeft = !requestComplete && requestHasBody;
        boolean keepAlive = requestKeepAlive && !routerClosing && !bodyLeft;
        ChannelFuture written = ctx.writeAndFlush(failure.response(subject, requestId, keepAlive));
        if (!keepAlive) {
            state = State.CLOSED;
            written.addListener(ChannelFutureListener.CLOSE);
        } else if (requestComplete) {
            awaitNextRequest();
        } else {
            state = State.DISCARDING_BODY;
            ctx.read();
        }
    }

    /** Refuses a request the router could not make sense of; the connection's framing is lost, so it closes. */
    private void reject(Failure failure, String reason) {
        state = State.CLOSED;
        context.metrics().unrouted(failure.tag());
        log.debug("request {} from {}: {} ({})", requestId, clientIp, failure.tag(), reason);
        ctx.writeAndFlush(failure.response(reason, requestId, false))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void awaitNextRequest() {
        request = null;
        requestId = null;
        if (routerClosing) {
            closeNow();
            return;
        }
        state = State.AWAITING_REQUEST;
        ctx.read();
    }

    private void closeNow() {
        state = State.CLOSED;
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        ctx.close();
    }

    private static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext channelContext) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged(channelContext.channel().isWritable());
        }
        channelContext.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext channelContext, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // A slow target is the response timeout's business; only a client with nothing going on is idle.
            if (state == State.AWAITING_REQUEST) {
                closeNow();
            }
            return;
        }
        if (evt == RouterClosing.INSTANCE) {
            routerClosing = true;
            if (state == State.AWAITING_REQUEST) {
                closeNow();
            }
            return;
        }
        channelContext.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext channelContext) {
        state = State.CLOSED;
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        channelContext.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext channelContext, Throwable cause) {
        log.debug("client connection from {} failed", clientIp, cause);
        closeNow();
    }
}
