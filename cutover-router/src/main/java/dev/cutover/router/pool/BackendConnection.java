package dev.cutover.router.pool;

import dev.cutover.router.routing.LiveTarget;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keep-alive connection to a target, the last handler of its pipeline. While an exchange uses it, it relays
 * what it reads to that exchange's {@link ResponseListener}; while it sits in the pool, anything it reads is a
 * protocol error and closes it, and so does the idle timeout.
 *
 * <pre>
 *   connecting ──▶ busy (listener attached) ⇄ pooled ──▶ closed
 *                        └──────────────────────────────▶ closed
 * </pre>
 *
 * <p>Threads: touched only by its channel's event loop.
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    private final LiveTarget target;
    private Channel channel;
    private ResponseListener listener;

    BackendConnection(LiveTarget target) {
        this.target = target;
    }

    public LiveTarget target() {
        return target;
    }

    public Channel channel() {
        return channel;
    }

    public void attach(ResponseListener newListener) {
        listener = newListener;
    }

    public void detach() {
        listener = null;
    }

    boolean isUsable() {
        return channel != null && channel.isActive();
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ResponseListener current = listener;
        if (current != null && msg instanceof HttpObject part) {
            current.onResponsePart(part);
            return;
        }
        ReferenceCountUtil.release(msg);
        log.debug("target {} at {} sent data on an idle connection; closing it", target.instance(), target.address());
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ResponseListener current = listener;
        if (current != null) {
            current.onResponseReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ResponseListener current = listener;
        if (current != null) {
            current.onTargetWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ResponseListener current = listener;
        listener = null;
        if (current != null) {
            current.onConnectionClosed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && listener == null) {
            ctx.close();
            return;
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection to target {} at {} failed", target.instance(), target.address(), cause);
        ctx.close();
    }
}
