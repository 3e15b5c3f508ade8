package dev.cutover.router;

import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.TargetStats;
import dev.cutover.model.routing.TrafficRouter;
import dev.cutover.router.health.PassiveHealth;
import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.metrics.GroupMetrics;
import dev.cutover.router.metrics.MetricsRegistry;
import dev.cutover.router.metrics.PrometheusText;
import dev.cutover.router.pool.ConnectionPool;
import dev.cutover.router.pool.ConnectionPools;
import dev.cutover.router.proxy.FrontendInitializer;
import dev.cutover.router.proxy.RouterClosing;
import dev.cutover.router.routing.LiveTarget;
import dev.cutover.router.routing.RouteEntry;
import dev.cutover.router.routing.RoutingSnapshot;
import dev.cutover.router.routing.TargetRegistry;
import dev.cutover.router.tls.CertificateStore;
import dev.cutover.router.tls.TlsException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 router: routes by host and path prefix to weighted target groups, keeps connections to targets
 * alive, retries requests that no target received, and drains targets a new table stops or removes.
 *
 * <p>{@link #apply} is synchronous: when it returns (and {@link #appliedVersion()} shows the table), no request is
 * picked from an older table any more. It may be called from any thread.
 */
public final class Router implements TrafficRouter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** How long {@link #close()} lets in-flight requests finish before it closes their connections. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** Netty's switch for its buffer leak detector; the router turns the detector off unless this is set. */
    static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    private final RouterConfig config;
    private final EventLoopGroup workers;
    private final ConnectionPools pools;
    private final PassiveHealth health;
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final AccessLog accessLog;
    private final ChannelGroup clients = new DefaultChannelGroup("cutover-router-clients", GlobalEventExecutor.INSTANCE);
    private final TargetRegistry registry = new TargetRegistry();
    private final Object applyLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RoutingSnapshot snapshot = RoutingSnapshot.EMPTY;
    private volatile RoutingTable appliedTable = RoutingTable.EMPTY;
    private Channel serverChannel;
    private Channel httpsChannel;
    private CertificateStore certificates;
    private final String transportName;

    private Router(RouterConfig config, IoTransport transport, AccessLog accessLog) {
        this.config = config;
        this.accessLog = accessLog;
        this.transportName = transport.name();
        this.workers = new MultiThreadIoEventLoopGroup(config.workerThreads(),
                transport.ioHandlerFactory());
        this.pools = new ConnectionPools(workers, transport.channelType(), config.connectTimeout(),
                config.targetIdleTimeout(), config.maxConnectionsPerTarget());
        this.health = new PassiveHealth(workers, transport.channelType(), config.connectTimeout(),
                config.ejectionBackoff(), RouterConfig.MAX_EJECTION_BACKOFF_FACTOR);
    }

    /**
     * Binds the listening sockets and returns once they accept connections.
     *
     * @throws IllegalArgumentException when the access log cannot be opened or a certificate cannot be loaded (the
     *                                  message names the file and what is wrong)
     * @throws ListenException when a listening socket cannot be bound (the port is taken, the address is not this
     *                         machine's, ...): the message names the address and port and says why
     */
    public static Router start(RouterConfig config) throws InterruptedException {
        return start(config, null, null);
    }

    /**
     * Like {@link #start(RouterConfig)}, but serves on listening sockets another router handed over instead of
     * binding its own (the config's ports are not used; {@link #port()} is what the sockets listen on), with that
     * router's table from the first connection on.
     *
     * @param handedOver null to bind as usual
     * @throws IllegalStateException when the transport is not epoll, the only one that can take a socket by its
     *                               descriptor
     */
    public static Router start(RouterConfig config, HandedOverSockets handedOver) throws InterruptedException {
        return start(config, handedOver, handedOver == null ? null : handedOver.table());
    }

    /**
     * Like {@link #start(RouterConfig)}, with {@code table} applied before the first connection is accepted: a
     * server that restarts serves the table it had, to the apps it left running, from its first request on.
     */
    public static Router start(RouterConfig config, RoutingTable table) throws InterruptedException {
        return start(config, null, Objects.requireNonNull(table, "table"));
    }

    private static Router start(RouterConfig config, HandedOverSockets handedOver, RoutingTable table)
            throws InterruptedException {
        Objects.requireNonNull(config, "config");
        leakDetectionOffUnlessAsked();
        IoTransport transport = IoTransport.of(config.transport());
        AccessLog accessLog = null;
        if (config.accessLog() != null) {
            try {
                accessLog = AccessLog.open(config.accessLog());
            } catch (java.io.IOException e) {
                String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                        : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                        : e.getMessage();
                throw new SettingException("accessLog", "'" + config.accessLog() + "' (expected: a file this "
                        + "process can create or append to, or - for standard output; " + why + ")", e);
            }
        }
        CertificateStore certificates = null;
        if (config.tls() != null) {
            try {
                certificates = CertificateStore.load(config.tls());
            } catch (TlsException e) {
                if (accessLog != null) {
                    accessLog.close();
                }
                throw new SettingException("tls", e.getMessage(), e);
            }
        }
        if (handedOver != null && !transport.name().equals("epoll")) {
            throw new IllegalStateException("transport: " + transport.name() + " cannot take over listening sockets "
                    + "(expected: epoll, the default on Linux)");
        }
        Router router = new Router(config, transport, accessLog);
        router.certificates = certificates;
        if (table != null) {
            router.apply(table);
        }
        try {
            router.bind(transport, handedOver);
        } catch (InterruptedException | RuntimeException e) {
            router.shutdownGroups();
            if (certificates != null) {
                certificates.close();
            }
            throw e;
        }
        if (certificates != null) {
            certificates.startReloading();
            log.info("router listening on {}:{} and HTTPS {}:{} ({}, TLS by {}), certificates for {}",
                    config.bindAddress(), router.port(), config.bindAddress(), router.httpsPort(), transport.name(),
                    certificates.implementation(), certificates.names());
        } else {
            log.info("router listening on {}:{} ({})", config.bindAddress(), router.port(), transport.name());
        }
        return router;
    }

    /**
     * Netty's leak detector, on by default, wraps one buffer in 128 and records the stack where it was made. Under
     * load that was 4% of the event loop's CPU, and the requests that met a sampled buffer paid for a stack trace
     * (docs/router.md). The router releases what it reads on every path, and its tests run with the detector at
     * its strictest; setting {@value #LEAK_DETECTION_PROPERTY} turns it back on to look for a leak.
     */
    private static void leakDetectionOffUnlessAsked() {
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private void bind(IoTransport transport, HandedOverSockets handedOver) throws InterruptedException {
        int httpsPort = 443;
        if (certificates != null) {
            httpsChannel = handedOver != null && handedOver.https() >= 0
                    ? adopt(bootstrap(transport, certificates, 0), handedOver.https())
                    : listen(bootstrap(transport, certificates, 0).channel(transport.serverChannelType()),
                            config.tls().port());
            httpsPort = ((InetSocketAddress) httpsChannel.localAddress()).getPort();
        }
        try {
            serverChannel = handedOver != null ? adopt(bootstrap(transport, null, httpsPort), handedOver.http())
                    : listen(bootstrap(transport, null, httpsPort).channel(transport.serverChannelType()),
                            config.port());
        } catch (InterruptedException | RuntimeException e) {
            if (httpsChannel != null) {
                httpsChannel.close().awaitUninterruptibly();
            }
            throw e;
        }
    }

    /** @throws ListenException when the socket cannot be bound: the address and port, and why in words */
    private Channel listen(ServerBootstrap bootstrap, int port) throws InterruptedException {
        String address = config.bindAddress();
        InetSocketAddress at = new InetSocketAddress(address, port);
        if (at.isUnresolved()) {
            throw ListenException.unresolved(address, port);
        }
        ChannelFuture bound = bootstrap.bind(at).await();
        if (!bound.isSuccess()) {
            throw ListenException.of(address, port, bound.cause());
        }
        return bound.channel();
    }

    /** Serves on a listening socket another process handed over, by its descriptor in this process. */
    private Channel adopt(ServerBootstrap bootstrap, int fd) throws InterruptedException {
        EpollServerSocketChannel channel = new EpollServerSocketChannel(fd);
        ChannelFuture registered = bootstrap.channelFactory(() -> channel).register().await();
        if (!registered.isSuccess()) {
            channel.close();
            throw new IllegalStateException("cannot serve on the listening socket handed over (descriptor " + fd + "): "
                    + registered.cause(), registered.cause());
        }
        return channel;
    }

    /** The descriptors of the listening sockets, HTTP then HTTPS, for handing them over; epoll only. */
    public List<FileDescriptor> listeningSockets() {
        if (!(serverChannel instanceof EpollServerSocketChannel http)) {
            throw new IllegalStateException("transport: " + transportName + " cannot hand its listening sockets over "
                    + "(expected: epoll, the default on Linux)");
        }
        List<FileDescriptor> fds = new ArrayList<>();
        fds.add(http.fd());
        if (httpsChannel instanceof EpollServerSocketChannel https) {
            fds.add(https.fd());
        }
        return fds;
    }

    private static final AcceptFailures ACCEPT_FAILURES = new AcceptFailures();

    private ServerBootstrap bootstrap(IoTransport transport, CertificateStore tls, int httpsPort) {
        FrontendInitializer.Timeouts timeouts = new FrontendInitializer.Timeouts(config.responseTimeout(),
                config.idleTimeout(), config.tunnelIdleTimeout(), config.tunnelDrainGrace(), httpsPort);
        // The listening sockets live on the worker loops too, not on a thread of their own: a connection accepted
        // on the loop that will serve it is registered there at once, without a task handed to another thread and
        // the wake-up that goes with it (on one worker, every connection; on N, one in N). Under load that opens a
        // new connection per request, that took 13% off the router's CPU per request (docs/router.md).
        // TCP_NODELAY is not set here: Netty sets it on every socket it makes, and a second setsockopt per
        // accepted connection bought nothing.
        return new ServerBootstrap()
                .group(workers, workers)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(ACCEPT_FAILURES)
                .childOption(ChannelOption.AUTO_READ, true)
                // a client that half-closes after its request still gets the response (ClientConnection.inputEnded)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new FrontendInitializer(() -> snapshot, pools, health, metrics, accessLog, timeouts,
                        clients, tls));
    }

    /** The port the router listens on; the one chosen by the system when the configured port was 0. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The transport the event loops run on: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transport() {
        return transportName;
    }

    /** The HTTPS port, or -1 when the router serves no HTTPS. */
    public int httpsPort() {
        return httpsChannel == null ? -1 : ((InetSocketAddress) httpsChannel.localAddress()).getPort();
    }

    /** The certificates served over HTTPS, or null: tests and operators reload them through it. */
    public CertificateStore certificates() {
        return certificates;
    }

    /**
     * Applies the table before returning: targets it stops or removes take no new requests from now on, their idle
     * connections are being closed, and their busy ones close when their responses end.
     */
    @Override
    public void apply(RoutingTable table) {
        Objects.requireNonNull(table, "table");
        synchronized (applyLock) {
            if (table.version() <= appliedTable.version()) {
                log.debug("ignoring routing table v{}: v{} is applied", table.version(), appliedTable.version());
                return;
            }
            // Order matters: the targets that start taking requests, then the snapshot, then the ones that stop,
            // then the acknowledgement. A request that meets a stopped target looks again and finds the new
            // snapshot (TargetRegistry.start); see LiveTarget.tryStartRequest for why a stop written before the
            // acknowledgement closes the race with a request being picked.
            Map<String, LiveTarget> targets = registry.start(table);
            snapshot = RoutingSnapshot.of(table, targets, metrics);
            registry.stop();
            appliedTable = table; // the acknowledgement
        }
        pools.forEach(ConnectionPool::closeIdleOfRetiredTargets);
    }

    @Override
    public long appliedVersion() {
        return appliedTable.version();
    }

    /** The table applied last: what a router taking over from this one starts with. */
    public RoutingTable appliedTable() {
        return appliedTable;
    }

    @Override
    public Map<String, TargetStats> targetStats() {
        return registry.stats();
    }

    /**
     * Per target group of each route: answered requests, responses by status class, failures by tag (the
     * {@code X-Cutover-Error} values), a latency histogram (p50, p99 and mean through
     * {@link dev.cutover.model.routing.LatencyHistogram}), requests in flight and connections open to the group's
     * active targets. Keyed by {@link GroupStats#key} ({@code ENVIRONMENT#GROUP}); group {@link GroupStats#NO_GROUP}
     * holds requests a route answered before picking a group ({@code no_target}). Every group a table ever listed
     * stays, so counters only grow: the engine compares two readings for rates.
     *
     * <p>Cheap to read: it sums a few striped counters per group and allocates the result, without stopping or
     * slowing the event loops. Safe from any thread.
     */
    @Override
    public Map<String, GroupStats> groupStats() {
        Map<String, int[]> live = new HashMap<>();
        for (RouteEntry route : snapshot.routes()) {
            for (RouteEntry.GroupEntry group : route.everyGroup()) {
                int[] counts = live.computeIfAbsent(GroupStats.key(route.environment(), group.name()), k -> new int[2]);
                for (LiveTarget target : group.targets()) {
                    counts[0] += target.inFlight();
                    counts[1] += target.openConnections();
                }
            }
        }
        Map<String, GroupStats> stats = new TreeMap<>();
        for (GroupMetrics group : metrics.groups()) {
            String key = GroupStats.key(group.environment(), group.group());
            int[] counts = live.getOrDefault(key, new int[2]);
            stats.put(key, group.snapshot(counts[0], counts[1]));
        }
        return stats;
    }

    /** Requests answered before any route was found, by failure tag ({@code bad_request}, {@code no_route}, ...). */
    public Map<String, Long> unroutedStats() {
        return metrics.unroutedCounts();
    }

    /** The Prometheus text exposition of {@link #groupStats()}, {@link #targetStats()} and {@link #unroutedStats()}. */
    public String prometheusText() {
        return PrometheusText.render(groupStats(), targetStats(), unroutedStats(),
                accessLog == null ? null : accessLog.dropped());
    }

    /**
     * Stops accepting, lets requests in flight finish for up to {@link #CLOSE_GRACE}, closes every connection and
     * releases the event loops. Idempotent.
     */
    @Override
    public void close() {
        close(RouterClosing.INSTANCE);
    }

    /**
     * Closes after {@link #listeningSockets()} were handed over to a router in another process, which accepts on
     * them now: the descriptors of this process close (the sockets stay open in the other), requests in flight
     * finish, and an idle keep-alive connection gets a moment for one more request, answered with
     * {@code Connection: close}, so that no client sees its connection closed under a request it was sending.
     */
    public void closeHandedOver() {
        close(RouterClosing.HANDED_OVER);
    }

    private void close(RouterClosing how) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = false;
        try {
            serverChannel.close().awaitUninterruptibly();
            if (httpsChannel != null) {
                httpsChannel.close().awaitUninterruptibly();
            }
            var allClosed = clients.newCloseFuture();
            for (Channel client : clients) {
                client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(how));
            }
            try {
                if (!allClosed.await(CLOSE_GRACE.toMillis())) {
                    log.warn("{} client connections still busy after {}; closing them", clients.size(), CLOSE_GRACE);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            clients.close().awaitUninterruptibly(CLOSE_GRACE.toMillis());
            pools.forEach(ConnectionPool::closeIdle);
        } finally {
            shutdownGroups();
            if (accessLog != null) {
                accessLog.close();
            }
            if (certificates != null) {
                certificates.close();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void shutdownGroups() {
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
