package dev.cutover.router.proxy;

import dev.cutover.router.metrics.MetricsRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The first handler of an HTTPS connection: a TLS connection begins with a record whose first byte is a content
 * type (20 to 24) or, for an SSLv2-style hello, has its top bit set; a letter there is a plain HTTP request sent to
 * the HTTPS port ({@code http://host:443/}). That client gets a 400 in plain text that says so, instead of a closed
 * connection it cannot explain. Anything else passes on to the TLS handshake, and the guard leaves the pipeline.
 */
final class PlainHttpGuard extends ChannelInboundHandlerAdapter {

    static final String MESSAGE = "a plain HTTP request was sent to the HTTPS port; use an https:// URL for this port";

    private final MetricsRegistry metrics;

    PlainHttpGuard(MetricsRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf in && in.isReadable() && isLetter(in.getByte(in.readerIndex()))) {
            ReferenceCountUtil.release(in);
            metrics.unrouted(Failure.BAD_REQUEST.tag());
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Failure.BAD_REQUEST.response(ctx.alloc(), MESSAGE, ForwardedHead.randomRequestId(),
                    false, false)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    private static boolean isLetter(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
    }
}
