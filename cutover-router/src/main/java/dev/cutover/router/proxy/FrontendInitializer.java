package dev.cutover.router.proxy;

import dev.cutover.router.health.PassiveHealth;
import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.metrics.MetricsRegistry;
import dev.cutover.router.pool.ConnectionPools;
import dev.cutover.router.routing.RoutingSnapshot;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pipeline of a client connection:
 * idle timeout → HTTP/1.1 codec → answers {@code Expect: 100-continue} → one message per read → the proxy.
 * The channel is expected to have auto-read off. Every channel joins {@code clients} so that the router can send
 * it {@link RouterClosing} and wait for it to close.
 */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 16384;

    private final ProxyContext context;
    private final ChannelGroup clients;
    private final long idleTimeoutMillis;

    public FrontendInitializer(Supplier<RoutingSnapshot> routing, ConnectionPools pools, PassiveHealth health,
            MetricsRegistry metrics, AccessLog accessLog, Duration responseTimeout, Duration idleTimeout,
            ChannelGroup clients) {
        this.context = new ProxyContext(routing, pools, health, metrics, accessLog, responseTimeout.toMillis());
        this.clients = clients;
        this.idleTimeoutMillis = idleTimeout.toMillis();
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        ch.pipeline().addLast(
                new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS),
                new ServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_INITIAL_LINE)
                        .setMaxHeaderSize(MAX_HEADER_SIZE)),
                new HttpServerExpectContinueHandler(),
                new OneMessagePerRead(),
                new FrontendHandler(context));
    }
}
