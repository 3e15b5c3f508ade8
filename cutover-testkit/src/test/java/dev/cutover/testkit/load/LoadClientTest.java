package dev.cutover.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.testkit.load.LoadClient.Mode;
import dev.cutover.testkit.load.LoadResult.FailureKind;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LoadClientTest {

    private HttpServer server;
    private ExecutorService executor;
    /** Remote address:port of every exchange: one entry per connection the server saw. */
    private final Set<String> connections = ConcurrentHashMap.newKeySet();
    private final Set<String> hostHeaders = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(0);
        if (executor != null) executor.shutdownNow();
    }

    private int startServer(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            connections.add(exchange.getRemoteAddress().toString());
            hostHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
            requests.incrementAndGet();
            handler.handle(exchange);
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String version, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (version != null) ex.getResponseHeaders().set("X-App-Version", version);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static LoadClient.Builder load(int port) {
        return LoadClient.to(InetAddress.getLoopbackAddress().getHostAddress(), port);
    }

    @Test
    void counts2xxResponsesAndHeaderValues() throws Exception {
        int port = startServer(ex -> respond(ex, 200, "v1", "hello\n"));

        LoadResult r = load(port).workers(4).maxRequests(40).countHeader("X-App-Version")
                .hostHeader("hello-prod.localhost").run();

        assertThat(r.finished()).isTrue();
        assertThat(r.sent()).as(r.summary()).isEqualTo(40);
        assertThat(r.succeeded()).isEqualTo(40);
        assertThat(r.failed()).isZero();
        assertThat(r.failuresByKind()).containsOnlyKeys(FailureKind.values()).allSatisfy((k, v) -> assertThat(v).isZero());
        assertThat(r.statusCounts()).containsExactly(Map.entry(200, 40L));
        assertThat(r.headerCounts()).containsExactly(Map.entry("v1", 40L));
        assertThat(r.lastHeaderValues()).hasSize(4).contains("v1").allMatch(v -> v.equals("v1") || v.equals(LoadResult.NO_RESPONSE));
        assertThat(r.firstFailures()).isEmpty();
        assertThat(r.inFlight()).isZero();
        assertThat(requests.get()).isEqualTo(40);
        assertThat(hostHeaders).containsExactly("hello-prod.localhost");
    }

    @Test
    void countsNon2xxAsFailuresWithTheirStatus() throws Exception {
        AtomicInteger n = new AtomicInteger();
        int port = startServer(ex -> {
            if (n.incrementAndGet() % 2 == 0) respond(ex, 500, "v1", "boom");
            else respond(ex, 200, "v1", "ok");
        });

        LoadResult r = load(port).workers(2).maxRequests(20).countHeader("x-app-version").run();

        assertThat(r.sent()).as(r.summary()).isEqualTo(20);
        assertThat(r.succeeded()).isEqualTo(10);
        assertThat(r.failed()).isEqualTo(10);
        assertThat(r.failures(FailureKind.STATUS)).isEqualTo(10);
        assertThat(r.failuresByStatus()).containsExactly(Map.entry(500, 10L));
        assertThat(r.responsesWithStatus(200)).isEqualTo(10);
        assertThat(r.headerCounts()).containsExactly(Map.entry("v1", 20L)); // every complete response counts
        assertThat(r.firstFailures()).hasSize(10).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.STATUS);
            assertThat(f.status()).isEqualTo(500);
            assertThat(f.detail()).contains("500").contains("boom");
            assertThat(f.at()).isNotNull();
        });
    }

    @Test
    void keepAliveReusesOneConnectionPerWorker() throws Exception {
        int port = startServer(ex -> respond(ex, 200, "v1", "ok"));

        LoadResult r = load(port).workers(2).maxRequests(50).mode(Mode.KEEP_ALIVE).run();

        assertThat(r.succeeded()).as(r.summary()).isEqualTo(50);
        assertThat(connections).hasSizeBetween(1, 2);
        assertThat(r.connectionsOpened()).isEqualTo(connections.size());
    }

    @Test
    void keepAliveReconnectsAfterConnectionCloseWithoutFailing() throws Exception {
        AtomicInteger n = new AtomicInteger();
        int port = startServer(ex -> {
            if (n.incrementAndGet() % 5 == 0) ex.getResponseHeaders().set("Connection", "close");
            respond(ex, 200, "v1", "ok");
        });

        LoadResult r = load(port).workers(1).maxRequests(20).run();

        assertThat(r.succeeded()).as(r.summary()).isEqualTo(20);
        assertThat(r.failed()).isZero();
        assertThat(r.connectionsOpened()).isEqualTo(4); // requests 5, 10, 15 said close: 1 + 3 connections
    }

    @Test
    void newConnectionModeOpensOneConnectionPerRequest() throws Exception {
        int port = startServer(ex -> respond(ex, 200, "v1", "ok"));

        LoadResult r = load(port).workers(3).maxRequests(30).mode(Mode.NEW_CONNECTION).run();

        assertThat(r.succeeded()).as(r.summary()).isEqualTo(30);
        assertThat(connections).hasSize(30);
        assertThat(r.connectionsOpened()).isEqualTo(30);
    }

    @Test
    void readsChunkedBodiesAndKeepsTheConnection() throws Exception {
        int port = startServer(ex -> {
            ex.getResponseHeaders().set("X-App-Version", "v2");
            ex.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 5; i++) {
                    out.write(("part " + i + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        });

        LoadResult r = load(port).workers(1).maxRequests(10).countHeader("X-App-Version").run();

        assertThat(r.succeeded()).as(r.summary()).isEqualTo(10);
        assertThat(r.connectionsOpened()).isEqualTo(1);
        assertThat(r.lastHeaderValues()).containsExactly("v2");
    }

    @Test
    void aServerClosingMidResponseIsAResetFailure() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            if (RawServer.readRequestHead(s.getInputStream())) {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
        })) {
            LoadResult r = load(raw.port()).workers(1).maxRequests(5).run();

            assertThat(r.sent()).as(r.summary()).isEqualTo(5);
            assertThat(r.succeeded()).isZero();
            assertThat(r.failures(FailureKind.RESET)).isEqualTo(5);
            assertThat(r.statusCounts()).isEmpty();
            assertThat(r.firstFailures()).hasSize(5).allSatisfy(f -> assertThat(f.detail()).contains("body"));
            assertThat(raw.accepted()).isEqualTo(5); // a new connection after each failure
        }
    }

    @Test
    void aServerClosingBeforeAnyByteIsAResetFailure() throws Exception {
        try (RawServer raw = new RawServer(s -> RawServer.readRequestHead(s.getInputStream()))) {
            LoadResult r = load(raw.port()).workers(2).maxRequests(6).run();

            assertThat(r.failures(FailureKind.RESET)).as(r.summary()).isEqualTo(6);
            assertThat(r.firstFailures()).allSatisfy(f -> assertThat(f.detail()).contains("before any response byte"));
        }
    }

    @Test
    void aBodyDelimitedByCloseSucceedsAndTheNextRequestReconnects() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            if (RawServer.readRequestHead(s.getInputStream())) {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nX-App-Version: v9\r\n\r\nuntil the end".getBytes(StandardCharsets.US_ASCII));
            }
        })) {
            LoadResult r = load(raw.port()).workers(1).maxRequests(4).countHeader("X-App-Version").run();

            assertThat(r.succeeded()).as(r.summary()).isEqualTo(4);
            assertThat(r.connectionsOpened()).isEqualTo(4);
            assertThat(r.headerCounts()).containsExactly(Map.entry("v9", 4L));
        }
    }

    @Test
    void garbageIsAProtocolFailure() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            if (RawServer.readRequestHead(s.getInputStream())) {
                s.getOutputStream().write("SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        })) {
            LoadResult r = load(raw.port()).workers(1).maxRequests(2).run();

            assertThat(r.failures(FailureKind.PROTOCOL)).as(r.summary()).isEqualTo(2);
        }
    }

    @Test
    void aSilentServerIsATimeoutFailure() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            RawServer.readRequestHead(s.getInputStream());
            Thread.sleep(30_000);
        })) {
            LoadResult r = load(raw.port()).workers(2).maxRequests(2).readTimeout(Duration.ofMillis(200)).run();

            assertThat(r.sent()).as(r.summary()).isEqualTo(2);
            assertThat(r.failures(FailureKind.TIMEOUT)).isEqualTo(2);
            assertThat(r.failed()).isEqualTo(2);
        }
    }

    @Test
    void aClosedPortIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        LoadResult r = load(port).workers(2).maxRequests(10).run();

        assertThat(r.sent()).as(r.summary()).isEqualTo(10);
        assertThat(r.failures(FailureKind.CONNECT)).isEqualTo(10);
        assertThat(r.connectionsOpened()).isZero();
        assertThat(r.firstFailures()).hasSize(10).allSatisfy(f -> assertThat(f.detail()).contains("connect to"));
    }

    @Test
    void recordsOnlyTheFirstFailuresButCountsAll() throws Exception {
        int port = startServer(ex -> respond(ex, 503, null, "unavailable"));

        LoadResult r = load(port).workers(2).maxRequests(30).failurePause(Duration.ZERO).maxRecordedFailures(20)
                .countHeader("X-App-Version").run();

        assertThat(r.failed()).as(r.summary()).isEqualTo(30);
        assertThat(r.failuresByStatus()).containsExactly(Map.entry(503, 30L));
        assertThat(r.firstFailures()).hasSize(20);
        assertThat(r.headerCounts()).containsExactly(Map.entry(LoadResult.ABSENT, 30L));
        assertThat(r.summary()).contains("10 more failures");
    }

    @Test
    void stopsByItselfAtTheDeadline() throws Exception {
        int port = startServer(ex -> respond(ex, 200, "v1", "ok"));

        LoadClient client = load(port).workers(3).deadline(Duration.ofMillis(300)).build().start();
        LoadResult r = client.await();

        assertThat(client.isFinished()).isTrue();
        assertThat(r.finished()).isTrue();
        assertThat(r.sent()).as(r.summary()).isPositive();
        assertThat(r.sent()).isEqualTo(r.succeeded() + r.failed());
        assertThat(r.failed()).isZero();
        assertThat(requests.get()).isEqualTo(r.sent());
    }

    @Test
    void stopsByItselfAtTheRequestCountBeforeTheDeadline() throws Exception {
        int port = startServer(ex -> respond(ex, 200, "v1", "ok"));

        LoadResult r = load(port).workers(8).maxRequests(37).deadline(Duration.ofMinutes(5)).virtualThreads(true).run();

        assertThat(r.sent()).as(r.summary()).isEqualTo(37);
        assertThat(r.succeeded()).isEqualTo(37);
        assertThat(requests.get()).isEqualTo(37);
    }

    @Test
    void stopFromOutsideEndsTheRunWithAConsistentResult() throws Exception {
        int port = startServer(ex -> respond(ex, 200, "v1", "ok"));

        try (LoadClient client = load(port).workers(4).deadline(Duration.ofMinutes(5)).countHeader("X-App-Version").start()) {
            LoadResult live = client.snapshot();
            while (live.succeeded() < 20) {
                Thread.sleep(5);
                live = client.snapshot();
            }
            assertThat(live.finished()).isFalse();
            assertThat(live.sent()).isGreaterThanOrEqualTo(live.succeeded() + live.failed());

            client.stop();
            assertThat(client.await(Duration.ofSeconds(30))).isTrue();
            LoadResult r = client.await();

            assertThat(r.finished()).isTrue();
            assertThat(r.sent()).as(r.summary()).isEqualTo(r.succeeded()).isGreaterThanOrEqualTo(live.succeeded());
            assertThat(r.lastHeaderValueCounts()).containsExactly(Map.entry("v1", 4L));
            assertThat(requests.get()).isEqualTo(r.sent());
        }
    }

    @Test
    void countsHeaderValuesAsTheyChange() throws Exception {
        AtomicInteger n = new AtomicInteger();
        int port = startServer(ex -> respond(ex, 200, n.incrementAndGet() <= 10 ? "v1" : "v2", "ok"));

        LoadResult r = load(port).workers(1).maxRequests(25).countHeader("X-App-Version").run();

        assertThat(r.headerCounts()).containsExactly(Map.entry("v1", 10L), Map.entry("v2", 15L));
        assertThat(r.lastHeaderValues()).containsExactly("v2");
        assertThat(r.lastHeaderValueCounts()).containsExactly(Map.entry("v2", 1L));
    }

    @Test
    void buildsFromAUrl() throws Exception {
        Set<String> paths = ConcurrentHashMap.newKeySet();
        int port = startServer(ex -> {
            paths.add(ex.getRequestURI().toString());
            respond(ex, 200, "v1", "ok");
        });

        LoadResult r = LoadClient.to(URI.create("http://127.0.0.1:" + port + "/health?x=1")).maxRequests(3).run();

        assertThat(r.succeeded()).as(r.summary()).isEqualTo(3);
        assertThat(paths).containsExactly("/health?x=1");
        assertThat(hostHeaders).containsExactly("127.0.0.1:" + port);
    }

    @Test
    void snapshotBeforeStartIsEmpty() {
        LoadClient client = load(1).build();
        LoadResult r = client.snapshot();
        assertThat(r.sent()).isZero();
        assertThat(r.finished()).isFalse();
        assertThat(r.lastHeaderValues()).containsOnly(LoadResult.NO_RESPONSE);
        client.close(); // never started: nothing to wait for
    }
}
