package dev.cutover.router.standalone;

import dev.cutover.model.manifest.DurationText;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.router.ListenException;
import dev.cutover.router.SettingException;
import dev.cutover.router.Router;
import dev.cutover.router.RouterConfig;
import dev.cutover.router.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cutover router --routes FILE}: the router alone, serving the table of a routes file it keeps watching. */
@Command(name = "router", description = "Run only the router, with the routes of a YAML file (reloaded when it "
        + "changes). See docs/router.md for the format.")
public final class RouterCommand implements Callable<Integer> {

    @Option(names = "--routes", required = true, paramLabel = "FILE", description = "The routes file (YAML)")
    Path routes;

    @Option(names = "--port", defaultValue = "8080", description = "The port to listen on (default: 8080)")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "ADDR",
            description = "The address to listen on (default: 0.0.0.0)")
    String bind;

    @Option(names = "--connect-timeout", defaultValue = "2s", paramLabel = "DURATION",
            description = "How long a connection to a target may take before the next is tried (default: 2s)")
    String connectTimeout;

    @Option(names = "--response-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long a target may take to start its response; then 504 (default: 60s)")
    String responseTimeout;

    @Option(names = "--idle-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long a client connection may sit between requests (default: 60s)")
    String idleTimeout;

    @Option(names = "--target-idle-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long a pooled connection to a target may sit unused (default: 60s)")
    String targetIdleTimeout;

    @Option(names = "--websocket-idle-timeout", defaultValue = "1h", paramLabel = "DURATION",
            description = "How long a WebSocket may carry nothing either way before it is closed (default: 1h)")
    String tunnelIdleTimeout;

    @Option(names = "--websocket-drain-grace", defaultValue = "5s", paramLabel = "DURATION",
            description = "How long a WebSocket to a draining target stays open before it gets a close frame, "
                    + "and a server-sent event stream before it ends (default: 5s)")
    String tunnelDrainGrace;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "N",
            description = "Event loop threads; 0 for one per CPU (default: 0). On a machine shared with the apps or "
                    + "the load, fewer can serve more")
    int workers;

    @Option(names = "--transport", paramLabel = "KIND",
            description = "How the event loops do their I/O: auto (epoll on Linux, else nio), io_uring, epoll or nio "
                    + "(default: the system property cutover.router.transport, else auto)")
    String transport;

    @Option(names = "--max-connections-per-target", defaultValue = "1024", paramLabel = "N",
            description = "Open connections to one target, busy or idle (default: 1024)")
    int maxConnectionsPerTarget;

    @Option(names = "--ejection-backoff", defaultValue = "1s", paramLabel = "DURATION",
            description = "How long a target that refused a connection is left out before it is probed; doubles "
                    + "after each failed probe, up to 30 times this (default: 1s)")
    String ejectionBackoff;

    @Option(names = "--access-log", paramLabel = "FILE",
            description = "Write one line per request to FILE, or to standard output with '-' (default: off)")
    String accessLog;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve GET /metrics (Prometheus text) on this port of --metrics-bind (default: off)")
    Integer metricsPort;

    @Option(names = "--metrics-bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "The address of the metrics port (default: 127.0.0.1; the metrics name every target)")
    String metricsBind;

    @Option(names = "--reload-interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "How often the routes file is checked for changes (default: 1s)")
    String reloadInterval;

    @Override
    public Integer call() throws Exception {
        RouterConfig config;
        Duration interval;
        try {
            config = new RouterConfig(bind, port, duration("--connect-timeout", connectTimeout),
                    duration("--response-timeout", responseTimeout), duration("--idle-timeout", idleTimeout),
                    duration("--target-idle-timeout", targetIdleTimeout),
                    duration("--websocket-idle-timeout", tunnelIdleTimeout),
                    durationOrZero("--websocket-drain-grace", tunnelDrainGrace), maxConnectionsPerTarget,
                    duration("--ejection-backoff", ejectionBackoff), accessLog, null, workers,
                    transport == null ? Transport.fromSystemProperty() : Transport.parse(transport));
            config.transport().resolve();
            interval = duration("--reload-interval", reloadInterval);
            if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
                throw new IllegalArgumentException("--metrics-port: " + metricsPort + " (expected: 0-65535)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        RoutesReloader.Read read;
        try {
            // Read before binding, so that a bad file fails fast and never holds the port.
            read = RoutesReloader.read(routes.toAbsolutePath());
            config = config.withTls(read.contents().tls());
            if (config.tls() != null && config.tls().port() != 0 && config.tls().port() == config.port()) {
                System.err.println("error: " + routes + ": tls.port: " + config.tls().port() + " (expected: a port "
                        + "other than --port " + config.port() + ", where the router serves plain HTTP)");
                return 2;
            }
        } catch (RoutesFileException e) {
            System.err.println("error: " + routes + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("error: --routes: " + RoutesReloader.cannotRead(routes, e));
            return 2;
        }
        Router router;
        try {
            router = Router.start(config);
        } catch (SettingException e) {
            // the access log comes from a flag; the certificates from the routes file
            System.err.println(e.setting().equals("accessLog") ? "error: --access-log: " + e.problem()
                    : "error: " + routes + ": " + e.getMessage());
            return 2;
        } catch (ListenException e) {
            boolean https = config.tls() != null && e.port() == config.tls().port() && e.port() != config.port();
            String fix = !e.aboutThePort() ? "set the address with --bind"
                    : https ? "the HTTPS port is tls.port in " + routes
                    : "set the port with --port";
            System.err.println("error: " + e.getMessage() + " (" + fix + ")");
            return 3;
        }
        RoutesReloader reloader = new RoutesReloader(routes.toAbsolutePath(), router);
        RoutingTable table = reloader.loadInitial(read);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-routes-reloader");
            t.setDaemon(true);
            return t;
        });
        reloader.start(scheduler, interval);
        MetricsEndpoint metrics = null;
        if (metricsPort != null) {
            try {
                metrics = MetricsEndpoint.start(metricsBind, metricsPort, router::prometheusText);
            } catch (IOException e) {
                ListenException why = ListenException.of(metricsBind, metricsPort, e);
                System.err.println("error: " + why.getMessage() + " (" + (why.aboutThePort()
                        ? "set the port with --metrics-port" : "set the address with --metrics-bind") + ")");
                reloader.close();
                scheduler.shutdownNow();
                router.close();
                return 3;
            }
        }
        MetricsEndpoint metricsToClose = metrics;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (metricsToClose != null) {
                metricsToClose.close();
            }
            reloader.close();
            scheduler.shutdownNow();
            router.close();
            stopped.countDown();
        }, "cutover-router-shutdown"));
        // What start-up left live (classes' data, configuration, the table: about 8 MB) is moved to the old
        // generation now, in one collection, before the first request rather than during the first minutes of load:
        // until the collector tenures it on its own, every young collection copies it again: pauses measured
        // 10-17 ms under load without this collection, 1.7-6 ms with it (docs/router.md).
        System.gc();
        System.out.println("cutover router listening on " + bind + ":" + router.port()
                + (router.httpsPort() > 0 ? " and HTTPS " + bind + ":" + router.httpsPort() + " (certificates for "
                        + router.certificates().names() + ")" : "")
                + " with " + table.routes().size() + " routes from " + routes + " (checked for changes every "
                + reloadInterval + ")" + (metrics != null ? "; metrics at http://" + metricsBind + ":" + metrics.port()
                        + "/metrics" : ""));
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static Duration durationOrZero(String option, String text) {
        Duration d = DurationText.parseOrNull(text);
        if (d == null) {
            throw new IllegalArgumentException(option + ": '" + text + "' (expected: a duration such as 0s, 5s or 1m)");
        }
        return d;
    }

    private static Duration duration(String option, String text) {
        Duration d = DurationText.parseOrNull(text);
        if (d == null || d.isZero()) {
            throw new IllegalArgumentException(option + ": '" + text + "' (expected: a duration above zero such as "
                    + "500ms, 5s, 10m or 1h)");
        }
        return d;
    }
}
