package dev.cutover.server;

import dev.cutover.agent.Agent;
import dev.cutover.agent.AgentConfig;
import dev.cutover.cli.Credentials;
import dev.cutover.router.Router;
import dev.cutover.router.RouterConfig;
import dev.cutover.server.api.ApiServer;
import dev.cutover.server.control.ControlLoop;
import dev.cutover.server.control.ReleaseCatalog;
import dev.cutover.server.control.SavedRoutingTable;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.server.deploy.BuildRetention;
import dev.cutover.server.deploy.Deployer;
import dev.cutover.server.handover.HandoverOffer;
import dev.cutover.server.handover.HandoverServer;
import dev.cutover.server.handover.Takeover;
import io.netty.channel.unix.FileDescriptor;
import dev.cutover.store.BlobStore;
import dev.cutover.store.Store;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.cutover.model.agent.DesiredState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cutover server}: the controller, the router and the local agent in one JVM, with the embedded store.
 * They meet only through the {@code TrafficRouter} and {@code AgentClient} ports, the same ones a remote router or
 * agent will implement over HTTP.
 *
 * <p>Closing stops the API, the control loop, the router and the agent's own threads; app processes keep running
 * and are adopted by the next start, as they would be after a crash.
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    public static final String LOCAL_HOST = "local";

    private final ServerConfig config;
    private final Store store;
    private final Router router;
    private final Agent agent;
    private final ControlLoop loop;
    private final ApiServer api;
    private final String token;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> handedOver = new CompletableFuture<>();
    private HandoverServer handover;
    /** Runs {@link BuildRetention} every {@link BuildRetention#EVERY}. */
    private final ScheduledExecutorService retention;
    /** The Unix socket in the data directory on which a new server asks this one to hand over. */
    public static final String HANDOVER_SOCKET = "server.sock";
    /** The newest routing table, which a restarted server's router serves until its control loop has its own. */
    static final String ROUTING_TABLE = "routing-table.json";

    private Controller(ServerConfig config, Store store, Router router, Agent agent, ControlLoop loop, ApiServer api,
            String token, BlobStore blobs) {
        this.config = config;
        this.store = store;
        this.router = router;
        this.agent = agent;
        this.loop = loop;
        this.api = api;
        this.token = token;
        this.retention = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-build-retention");
            t.setDaemon(true);
            return t;
        });
        BuildRetention builds = new BuildRetention(store, blobs, BuildRetention.GRACE, config.keepReleases());
        if (config.keepReleases() > 0) {
            // a deploy is what makes a release old: its build goes right after, not at the next sweep
            Runnable deleteOld = () -> {
                try {
                    builds.deleteOldReleasesBuilds(config.clock().instant());
                } catch (RuntimeException e) {
                    LOG.warn("cannot delete the builds of releases no longer kept (tried again in {}): {}",
                            BuildRetention.EVERY, e.toString());
                }
            };
            loop.afterEachFinish(() -> {
                try {
                    retention.execute(deleteOld);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the server is closing: the next one's sweep does it
                }
            });
        }
        retention.scheduleWithFixedDelay(() -> {
            try {
                builds.sweep(config.clock().instant());
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot delete the builds no release refers to (tried again in {}): {}", BuildRetention.EVERY,
                        e.toString());
            }
        }, 1, BuildRetention.EVERY.toMinutes(), TimeUnit.MINUTES);
    }

    public static Controller start(ServerConfig config) throws IOException, InterruptedException {
        return start(config, null);
    }

    /**
     * Starts the server; with a {@code takeover}, its router first serves on the sockets the running server hands
     * over, and the rest starts once that server has stopped (see {@link Takeover}).
     *
     * @throws IOException when the running server did not stop after handing over (its pid is in the message)
     */
    public static Controller start(ServerConfig config, Takeover takeover) throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        RouterConfig routerConfig = RouterConfig.defaults(config.httpBind(), config.httpPort()).withTls(config.tls());
        Router router;
        ServerSocketChannel apiSocket;
        if (takeover != null) {
            router = Router.start(routerConfig, takeover.sockets());
            try {
                takeover.serving();
                // The running server has exited, its API last: from here a request waits in the queue of this
                // socket, not refused, while the store opens and the apps are adopted.
                apiSocket = ApiServer.listen(config.apiBind(), config.apiPort());
            } catch (IOException | InterruptedException | RuntimeException e) {
                router.close();
                throw e;
            }
            LOG.info("took over from pid {}: its router's sockets and table v{}", takeover.offer().pid(),
                    takeover.offer().table().version());
        } else {
            apiSocket = ApiServer.listen(config.apiBind(), config.apiPort());
            try {
                Optional<RoutingTable> saved = SavedRoutingTable.load(config.dataDir().resolve(ROUTING_TABLE));
                router = Router.start(routerConfig, saved.orElse(RoutingTable.EMPTY)); // EMPTY applies nothing
                saved.ifPresent(t -> LOG.info("routing as before the restart until the apps are adopted: table v{}, "
                        + "{} routes", t.version(), t.routes().size()));
            } catch (RuntimeException e) {
                closeQuietly(apiSocket);
                throw e;
            }
        }
        Agent agent = null;
        ControlLoop loop = null;
        Store store = null;
        try {
            store = Store.openEmbedded(config.dataDir());
            String token = AdminToken.ensure(store, config.dataDir(), config.clock().instant());
            BlobStore blobs = new BlobStore(config.dataDir().resolve("builds"));
            agent = Agent.start(new AgentConfig(config.dataDir().resolve("agent"), LOCAL_HOST, "127.0.0.1",
                    config.clock()), blobs::open);
            ReleaseCatalog catalog = new ReleaseCatalog();
            loop = new ControlLoop(store, catalog, agent, LOCAL_HOST,
                    new SavedRoutingTable(router, config.dataDir().resolve(ROUTING_TABLE)), config.domain(),
                    config.clock());
            loop.start();
            Deployer deployer = new Deployer(store, blobs, config.clock(), router.httpsPort() > 0);
            ApiServer api = ApiServer.start(store, blobs, deployer, agent, loop, config.clock(), catalog,
                    config.domain(), router.port(), apiSocket);
            api.serveMetrics(router::prometheusText);
            Controller c = new Controller(config, store, router, agent, loop, api, token, blobs);
            c.handover = HandoverServer.start(config.dataDir().resolve(HANDOVER_SOCKET), c.new HandingOver());
            Credentials.save(c.apiUrl(), token);
            LOG.info("API on {}, router on {}:{}, data in {}", c.apiUrl(), config.httpBind(), router.port(),
                    config.dataDir());
            return c;
        } catch (IOException | RuntimeException e) {
            if (loop != null) {
                loop.close();
            }
            if (agent != null) {
                agent.close();
            }
            if (store != null) {
                store.close();
            }
            router.close();
            closeQuietly(apiSocket);
            throw e;
        }
    }

    private static void closeQuietly(ServerSocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing was served on it
        }
    }

    /** What this server does when a new one takes over from it. */
    private final class HandingOver implements HandoverServer.Source {
        @Override
        public HandoverOffer prepare() {
            loop.pause();
            return new HandoverOffer(ProcessHandle.current().pid(), router.port(), router.httpsPort(),
                    router.appliedTable(), api.port());
        }

        @Override
        public List<FileDescriptor> sockets() {
            return router.listeningSockets();
        }

        @Override
        public void handOver() {
            close(true);
        }

        @Override
        public void resume() {
            loop.resume();
        }
    }

    /** Completes when this server has stopped after handing over to a new one. */
    public CompletableFuture<Void> handedOver() {
        return handedOver;
    }

    public String apiUrl() {
        String host = config.apiBind().equals("0.0.0.0") ? "127.0.0.1" : config.apiBind();
        return "http://" + host + ":" + api.port();
    }

    public int httpPort() {
        return router.port();
    }

    /** The HTTPS port, or -1 without HTTPS. */
    public int httpsPort() {
        return router.httpsPort();
    }

    public java.util.List<String> certificateNames() {
        return router.certificates() == null ? java.util.List.of() : router.certificates().names();
    }

    public String token() {
        return token;
    }

    public ServerConfig config() {
        return config;
    }

    public Store store() {
        return store;
    }

    /**
     * Stops every app instance and release command on the local agent and waits for them to end: for the demo, and
     * for tests, which should not leave processes behind. The control loop stops first so that it does not start
     * them again.
     */
    public void stopAllApps(Duration timeout) {
        loop.close();
        agent.apply(new DesiredState(Long.MAX_VALUE, List.of()));
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until && (agent.report().instances().stream().anyMatch(i -> i.phase().alive())
                || agent.report().runs().stream().anyMatch(r -> !r.state().ended()))) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        close(false);
    }

    /** Idempotent; after a handover, the router first lets its requests in flight finish, as the new one serves. */
    private void close(boolean handingOver) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        retention.shutdown(); // the next sweep is cancelled
        try {
            retention.awaitTermination(5, TimeUnit.SECONDS); // a sweep in progress finishes before the store closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (handingOver) {
            router.closeHandedOver();
            // The API closes last: until this process exits, a request is answered (the store is still this
            // server's), and the new server binds the port the moment it has.
            loop.close();
            agent.close();
            api.close();
            store.close();
            handedOver.complete(null);
            return;
        }
        LOG.info("stopping: app instances still running keep running, and the next server started on {} adopts "
                + "them; the router lets its requests in flight finish", config.dataDir());
        if (handover != null) {
            handover.close();
        }
        api.close();
        loop.close();
        agent.close();
        router.close();
        store.close();
        LOG.info("stopped");
    }
}
