package dev.cutover.server.handover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.router.Router;
import dev.cutover.router.RouterConfig;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real routers in one JVM, one handing its listening socket to the other over the Unix socket. */
class HandoverTest {

    static final String REQUEST = "GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n";

    @TempDir
    Path dir;

    HttpServer backend;
    Router old;
    Router next;
    HandoverServer server;
    final AtomicBoolean resumed = new AtomicBoolean();
    final CountDownLatch handingOver = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        old = Router.start(RouterConfig.defaults("127.0.0.1", 0));
        old.apply(table(7));
        long gone = new ProcessBuilder("true").start().onExit().get().pid();
        server = HandoverServer.start(dir.resolve("server.sock"), new HandoverServer.Source() {
            @Override
            public HandoverOffer prepare() {
                return new HandoverOffer(gone, old.port(), old.httpsPort(), old.appliedTable(), 0);
            }

            @Override
            public List<FileDescriptor> sockets() {
                return old.listeningSockets();
            }

            @Override
            public void handOver() {
                handingOver.countDown();
                old.closeHandedOver();
            }

            @Override
            public void resume() {
                resumed.set(true);
            }
        });
        assertThat(server).isNotNull();
    }

    @AfterEach
    void stop() {
        server.close();
        old.close();
        if (next != null) {
            next.close();
        }
        backend.stop(0);
    }

    @Test
    void theNewRouterServesOnTheSameSocketWhileTheOldOneFinishesItsConnectionsWithAResponse() throws Exception {
        int port = old.port();
        Socket keptAlive = new Socket("127.0.0.1", port);
        keptAlive.setSoTimeout(10_000);
        assertThat(exchange(keptAlive)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
        AtomicInteger served = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread newConnections = Thread.ofPlatform().start(() -> {
            while (loading.get()) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    (exchange(s).startsWith("HTTP/1.1 200") ? served : failed).incrementAndGet();
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            }
        });

        Takeover takeover = Takeover.ask(dir.resolve("server.sock")).orElseThrow();
        assertThat(takeover.offer().table()).isEqualTo(table(7));
        assertThat(takeover.offer().httpsPort()).isEqualTo(-1);
        next = Router.start(RouterConfig.defaults("127.0.0.1", 0), takeover.sockets());
        assertThat(next.appliedTable()).isEqualTo(table(7));
        assertThat(next.port()).isEqualTo(port);
        Thread serving = Thread.ofPlatform().start(() -> {
            try {
                takeover.serving();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(handingOver.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);

        // a request on an idle keep-alive connection to the old router, within its moment of grace: answered, and
        // told to reconnect
        assertThat(exchange(keptAlive)).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
        assertThat(keptAlive.getInputStream().read()).as("closed after the response").isEqualTo(-1);
        serving.join(30_000);
        assertThat(serving.isAlive()).isFalse();
        int before = served.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> served.get() > before + 50);
        loading.set(false);
        newConnections.join(30_000);

        assertThat(failed).as("connections refused or failed during the handover").hasValue(0);
        assertThat(next.groupStats().values().stream().mapToLong(g -> g.requests()).sum()).isPositive();
        assertThat(resumed).isFalse();
        takeover.close();
    }

    @Test
    void aTakeoverGivenUpBeforeTheNewRouterServesLeavesTheOldOneServing() throws Exception {
        Takeover takeover = Takeover.ask(dir.resolve("server.sock")).orElseThrow();
        takeover.close();

        await().atMost(Duration.ofSeconds(30)).untilTrue(resumed);
        try (Socket s = new Socket("127.0.0.1", old.port())) {
            s.setSoTimeout(10_000);
            assertThat(exchange(s)).startsWith("HTTP/1.1 200");
        }
        assertThat(handingOver.getCount()).isEqualTo(1);
    }

    @Test
    void withoutAServerListeningThereIsNothingToTakeOver() throws Exception {
        assertThat(Takeover.ask(dir.resolve("none.sock"))).isEmpty();
        Path stale = Files.writeString(dir.resolve("stale.sock"), "");
        assertThat(Takeover.ask(stale)).isEmpty();
    }

    private RoutingTable table(long version) {
        Target t = new Target("i1", "127.0.0.1", backend.getAddress().getPort(), TargetState.ACTIVE);
        return new RoutingTable(version, List.of(new Route("shop/production", List.of("shop.test"), "/",
                List.of(new TargetGroup("v1", 100, List.of(t))), RouteOptions.DEFAULT)));
    }

    /** Sends one request and reads its response (head and the 2-byte body). */
    private static String exchange(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head.length() + " bytes: " + head);
            }
            head.append((char) b);
        }
        in.readNBytes(2);
        return head.toString();
    }
}
