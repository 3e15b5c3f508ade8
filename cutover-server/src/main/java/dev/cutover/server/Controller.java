package dev.cutover.server;

import dev.cutover.agent.Agent;
import dev.cutover.agent.AgentConfig;
import dev.cutover.cli.Credentials;
import dev.cutover.router.Router;
import dev.cutover.router.RouterConfig;
import dev.cutover.server.api.ApiServer;
import dev.cutover.server.control.ControlLoop;
import dev.cutover.server.control.ReleaseCatalog;
import dev.cutover.server.deploy.Deployer;
import dev.cutover.store.BlobStore;
import dev.cutover.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
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

    private Controller(ServerConfig config, Store store, Router router, Agent agent, ControlLoop loop, ApiServer api,
            String token) {
        this.config = config;
        this.store = store;
        this.router = router;
        this.agent = agent;
        this.loop = loop;
        this.api = api;
        this.token = token;
    }

    public static Controller start(ServerConfig config) throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        Store store = Store.openEmbedded(config.dataDir());
        String token = AdminToken.ensure(store, config.dataDir(), config.clock().instant());
        BlobStore blobs = new BlobStore(config.dataDir().resolve("builds"));
        Router router = Router.start(RouterConfig.defaults(config.httpBind(), config.httpPort()).withTls(config.tls()));
        Agent agent = null;
        ControlLoop loop = null;
        try {
            agent = Agent.start(new AgentConfig(config.dataDir().resolve("agent"), LOCAL_HOST, "127.0.0.1",
                    config.clock()), blobs::open);
            ReleaseCatalog catalog = new ReleaseCatalog();
            loop = new ControlLoop(store, catalog, agent, LOCAL_HOST, router, config.domain(), config.clock());
            loop.start();
            ApiServer api = ApiServer.start(store, blobs, new Deployer(store, blobs, config.clock()), agent,
                    loop, config.clock(), catalog, config.domain(), router.port(), config.apiBind(), config.apiPort());
            api.serveMetrics(router::prometheusText);
            Controller c = new Controller(config, store, router, agent, loop, api, token);
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
            router.close();
            throw e;
        }
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
        api.close();
        loop.close();
        agent.close();
        router.close();
    }
}
