package dev.cutover.server.handover;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One end of a handover connection over the data directory's Unix socket: lines of text both ways, and file
 * descriptors from the running server to the new one. What arrives is queued for a plain thread that reads it in
 * order, with a timeout; the end of the connection arrives as {@link #CLOSED}.
 */
final class HandoverLink {

    /** Queued when the other end closed the connection. */
    static final Object CLOSED = new Object();
    private static final int MAX_LINE = 1 << 22;

    private final Channel channel;
    private final BlockingQueue<Object> received;

    private HandoverLink(Channel channel, BlockingQueue<Object> received) {
        this.channel = channel;
        this.received = received;
    }

    /** Sets a new channel up to queue what it receives; the link comes with {@link #of}. */
    static ChannelInitializer<Channel> initializer(BlockingQueue<Object> received) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof ByteBuf line) {
                            try {
                                received.add(line.toString(StandardCharsets.UTF_8));
                            } finally {
                                line.release();
                            }
                        } else {
                            received.add(msg); // a FileDescriptor
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        received.add(CLOSED);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        };
    }

    static HandoverLink of(Channel channel, BlockingQueue<Object> received) {
        return new HandoverLink(channel, received);
    }

    static BlockingQueue<Object> queue() {
        return new LinkedBlockingQueue<>();
    }

    Channel channel() {
        return channel;
    }

    void send(String line) throws IOException {
        await(channel.writeAndFlush(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8)), "send");
    }

    void send(FileDescriptor fd) throws IOException {
        await(channel.writeAndFlush(fd), "send a socket");
    }

    /** From now on, what arrives is read as file descriptors (a byte read as text would drop them). */
    void readDescriptors() {
        channel.config().setOption(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS);
    }

    /** The next line; throws when the connection ended or nothing came in time. */
    String line(Duration timeout) throws IOException {
        Object o = next(timeout);
        if (o instanceof String s) {
            return s;
        }
        throw new IOException("expected a line, got " + o.getClass().getSimpleName());
    }

    FileDescriptor descriptor(Duration timeout) throws IOException {
        Object o = next(timeout);
        if (o instanceof FileDescriptor fd) {
            return fd;
        }
        throw new IOException("expected a socket, got " + o.getClass().getSimpleName());
    }

    /** Waits until the other end closes the connection; false when it did not within the timeout. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = until - System.nanoTime();
            Object o = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (o == CLOSED) {
                return true;
            }
            if (o == null) {
                return false;
            }
        }
    }

    void close() {
        channel.close().awaitUninterruptibly();
    }

    private Object next(Duration timeout) throws IOException {
        Object o;
        try {
            o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (o == null) {
            throw new IOException("no answer within " + timeout.toSeconds() + "s");
        }
        if (o == CLOSED) {
            throw new IOException("the other server closed the connection");
        }
        return o;
    }

    private static void await(ChannelFuture f, String what) throws IOException {
        if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS) || !f.isSuccess()) {
            throw new IOException("cannot " + what + ": " + (f.cause() == null ? "timed out" : f.cause().getMessage()),
                    f.cause());
        }
    }
}
