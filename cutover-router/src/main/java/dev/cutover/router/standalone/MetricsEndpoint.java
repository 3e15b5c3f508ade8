package dev.cutover.router.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} for the standalone router, in Prometheus text format, on a port of its own (the embedded
 * router serves it on the API port). Served by the JDK's HTTP server, off the router's event loops, on a virtual
 * thread per exchange: the JDK's server reads a request's head on the thread that serves it, so on a single thread
 * one client that sent half a head (or stopped reading) would hold every scrape after it.
 */
final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;
    /** The JDK server's deadline for a whole request, head and body, in seconds. */
    static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    static MetricsEndpoint start(String bind, int port, Supplier<String> text) throws IOException {
        // The JDK's server gives a request no deadline unless told: a client that sent half a head would hold its
        // connection (and a virtual thread) for good. Read when its first server is made; set unless set already.
        if (System.getProperty(MAX_REQUEST_SECONDS) == null) {
            System.setProperty(MAX_REQUEST_SECONDS, "10");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        server.setExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cutover-router-metrics-", 0)
                .factory()));
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                    reply(exchange, 404, "not found: the router serves only GET /metrics here\n");
                } else if (exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.getResponseHeaders().set("Content-Length",
                            String.valueOf(text.get().getBytes(StandardCharsets.UTF_8).length));
                    exchange.sendResponseHeaders(200, -1);
                } else if (!exchange.getRequestMethod().equals("GET")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    reply(exchange, 405, "method not allowed: GET /metrics\n");
                } else {
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    reply(exchange, 200, text.get());
                }
            }
        });
        server.start();
        return new MetricsEndpoint(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
