package dev.cutover.router.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * On a channel with auto-read off, turns each {@code read()} from the handlers after it into exactly one decoded
 * message, holding back the others the decoder produced from the same bytes. This is how the proxy reads a request
 * body only as fast as the target takes it, and the next pipelined request only after the current response.
 *
 * <p>Netty's {@code FlowControlHandler} does this too, but it forgets a {@code read()} made while the channel is
 * in the middle of a read cycle (the cycle's end resets its count), which stalls a streamed body. Here a pending
 * read stays pending until a message satisfies it, and reads made before one is satisfied collapse into one.
 *
 * <p>Threads: touched only by the channel's event loop.
 */
final class OneMessagePerRead extends ChannelDuplexHandler {

    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean wanted;
    private boolean delivering;

    @Override
    public void read(ChannelHandlerContext ctx) {
        wanted = true;
        deliver(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
        deliver(ctx);
    }

    private void deliver(ChannelHandlerContext ctx) {
        if (delivering) {
            // A read() from inside fireChannelRead below: the loop picks it up, without recursion.
            return;
        }
        delivering = true;
        try {
            while (wanted && !held.isEmpty()) {
                wanted = false;
                ctx.fireChannelRead(held.poll());
            }
        } finally {
            delivering = false;
        }
        if (wanted && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
