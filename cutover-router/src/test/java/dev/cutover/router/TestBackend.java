package dev.cutover.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny HTTP server standing in for an app instance: answers with its name, records what it saw. */
final class TestBackend implements AutoCloseable {

    /** What the backend does with a request. */
    enum Behaviour {
        ANSWER, ECHO_BODY, SLOW, WAIT_FOR_RELEASE, HEAD_THEN_BODY_ON_RELEASE, RESET, HEAD_THEN_RESET,
        /** A whole response, then in the same write a second one no request asked for. */
        RESPONSE_AND_AN_EXTRA,
        /** Bytes that are not an HTTP response. */
        GARBAGE,
        /** {@code 101 Switching Protocols} to whatever request, upgrade asked for or not. */
        SWITCH_UNASKED,
        /** A response head of 70 KiB (one big cookie), over the router's 64 KiB. */
        HUGE_HEAD,
        /** A response head of 300 fields, over the router's 256. */
        MANY_FIELDS
    }

    static final long SLOW_MILLIS = 500;

    record Seen(String method, String uri, HttpHeaders headers, String body) {}

    final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    final AtomicInteger connectionsAccepted = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    volatile Behaviour behaviour = Behaviour.ANSWER;
    volatile CountDownLatch release = new CountDownLatch(1);

    private TestBackend(String name) throws InterruptedException {
        this(name, 0);
    }

    private TestBackend(String name, int port) throws InterruptedException {
        this.name = name;
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connectionsAccepted.incrementAndGet();
                        open.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024),
                                new Handler());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    static TestBackend start(String name) throws InterruptedException {
        return new TestBackend(name);
    }

    /** A backend on a given port, e.g. one a target refused connections on until now. */
    static TestBackend startOn(String name, int port) throws InterruptedException {
        return new TestBackend(name, port);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    int openConnections() {
        return open.size();
    }

    TestBackend behave(Behaviour next) {
        behaviour = next;
        return this;
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.incrementAndGet();
            String body = request.content().toString(StandardCharsets.UTF_8);
            seen.add(new Seen(request.method().name(), request.uri(), request.headers().copy(), body));
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (behaviour) {
                case ANSWER -> answer(ctx, name, keepAlive);
                case ECHO_BODY -> answer(ctx, body, keepAlive);
                case SLOW -> ctx.executor().schedule(() -> answer(ctx, name, keepAlive), SLOW_MILLIS,
                        TimeUnit.MILLISECONDS);
                case WAIT_FOR_RELEASE -> onRelease(() -> answer(ctx, name, keepAlive));
                case HEAD_THEN_BODY_ON_RELEASE -> {
                    // the head goes out at once, the body when released: the response is under way meanwhile
                    byte[] content = name.getBytes(StandardCharsets.UTF_8);
                    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setContentLength(head, content.length);
                    ctx.writeAndFlush(head);
                    onRelease(() -> ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(content))));
                }
                case RESET -> {
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                }
                case RESPONSE_AND_AN_EXTRA -> {
                    String two = "HTTP/1.1 200 OK\r\nContent-Length: " + name.length() + "\r\n\r\n" + name
                            + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nINJECTED";
                    // past the HTTP encoder, straight to the socket
                    ctx.pipeline().firstContext().writeAndFlush(
                            Unpooled.copiedBuffer(two, StandardCharsets.US_ASCII));
                }
                case GARBAGE -> ctx.pipeline().firstContext().writeAndFlush(
                        Unpooled.copiedBuffer("HELLO THERE\r\n\r\n", StandardCharsets.US_ASCII));
                case SWITCH_UNASKED -> ctx.pipeline().firstContext().writeAndFlush(Unpooled.copiedBuffer(
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                        StandardCharsets.US_ASCII));
                case HUGE_HEAD, MANY_FIELDS -> {
                    StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
                    if (behaviour == Behaviour.HUGE_HEAD) {
                        head.append("Set-Cookie: big=").append("x".repeat(70 * 1024)).append("\r\n");
                    } else {
                        for (int i = 0; i < 300; i++) {
                            head.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
                        }
                    }
                    ctx.pipeline().firstContext().writeAndFlush(Unpooled.copiedBuffer(head + "\r\nok",
                            StandardCharsets.US_ASCII));
                }
                case HEAD_THEN_RESET -> {
                    // a response head promising a body, then death before the body
                    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setContentLength(head, 100);
                    ctx.writeAndFlush(head).addListener(f -> {
                        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                        ctx.close();
                    });
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** Runs then once {@link #release} is counted down (or after 30 s). */
        private void onRelease(Runnable then) {
            CountDownLatch latch = release;
            Thread.ofVirtual().start(() -> {
                try {
                    latch.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                then.run();
            });
        }
    }

    private static void answer(ChannelHandlerContext ctx, String body, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.close().awaitUninterruptibly();
        open.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
