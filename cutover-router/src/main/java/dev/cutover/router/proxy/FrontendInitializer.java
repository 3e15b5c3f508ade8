package dev.cutover.router.proxy;

import dev.cutover.router.health.PassiveHealth;
import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.metrics.MetricsRegistry;
import dev.cutover.router.pool.ConnectionPools;
import dev.cutover.router.routing.RoutingSnapshot;
import dev.cutover.router.tls.CertificateStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SniHandler;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The pipeline of a client connection: for HTTPS, a 400 for a plain HTTP request sent to the port
 * ({@link PlainHttpGuard}), then the TLS handshake with the certificate picked by the name the client asks for
 * (SNI); then the proxy, which reads the bytes itself (and stops the channel's reading when bytes pile up
 * unconsumed). Every channel joins {@code clients} so that the router can send it {@link RouterClosing} and wait
 * for it to close.
 */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    /** The timeouts of client connections, WebSockets and responses, and where HTTPS is served. */
    public record Timeouts(Duration response, Duration clientIdle, Duration tunnelIdle, Duration tunnelDrainGrace,
            int httpsPort) {}

    private final ProxyContext context;
    private final ChannelGroup clients;
    private final CertificateStore certificates;

    /** @param certificates the HTTPS listener's certificates; null for plain HTTP */
    public FrontendInitializer(Supplier<RoutingSnapshot> routing, ConnectionPools pools, PassiveHealth health,
            MetricsRegistry metrics, AccessLog accessLog, Timeouts timeouts, ChannelGroup clients,
            CertificateStore certificates) {
        this.context = new ProxyContext(routing, pools, health, metrics, accessLog, timeouts.response().toNanos(),
                timeouts.clientIdle().toNanos(), timeouts.tunnelIdle().toNanos(), timeouts.tunnelDrainGrace().toNanos(),
                timeouts.httpsPort());
        this.clients = clients;
        this.certificates = certificates;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        if (certificates != null) {
            ch.pipeline().addLast(new PlainHttpGuard(context.metrics()), new SniHandler(certificates));
        }
        ch.pipeline().addLast(new ClientConnection(context, certificates != null));
    }
}
