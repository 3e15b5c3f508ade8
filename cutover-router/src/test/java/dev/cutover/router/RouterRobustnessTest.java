package dev.cutover.router;

import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.shop;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.routing.GroupStats;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterRobustnessTest {

    private Router router;
    private TestBackend blue;

    @BeforeEach
    void start() throws InterruptedException {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0));
        blue = TestBackend.start("blue");
        router.apply(table(1, shop(active("b1", blue))));
    }

    @AfterEach
    void stop() {
        router.close();
        blue.close();
    }

    @Test
    void aMalformedRequestGets400WhileAnotherConnectionKeepsWorking() throws Exception {
        try (HttpConnection good = HttpConnection.open(router.port());
                HttpConnection bad = HttpConnection.open(router.port())) {
            assertThat(good.get(HOST, "/").status()).isEqualTo(200);

            bad.sendRaw("GARBAGE\u0001 / HTTP/9.9\r\nHost: " + HOST + "\r\nBad Header Without Colon\r\n\r\n");
            HttpConnection.Response response = bad.read(false);
            assertThat(response.status()).isEqualTo(400);
            assertThat(bad.closedByPeer()).isTrue();

            assertThat(good.get(HOST, "/").status()).isEqualTo(200);
        }
        assertThat(blue.requests).hasValue(2);
    }

    @Test
    void aRequestWithoutHostGets400() throws Exception {
        try (HttpConnection client = HttpConnection.open(router.port())) {
            client.sendRaw("GET / HTTP/1.1\r\n\r\n");
            assertThat(client.read(false).status()).isEqualTo(400);
        }
    }

    @Test
    void aClientGoingAwayMidBodyLeavesNothingBehind() throws Exception {
        try (HttpConnection client = HttpConnection.open(router.port())) {
            client.sendRaw("POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 100\r\n\r\nten bytes.");
            await().atMost(Duration.ofSeconds(20)).until(() -> router.targetStats().get("b1").inFlight() == 1);
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(router.targetStats().get("b1").inFlight()).isZero();
            assertThat(router.targetStats().get("b1").openConnections()).isZero();
        });
        GroupStats v1 = router.groupStats().get(GroupStats.key(Tables.ENV, "v1"));
        assertThat(v1.failures()).as("counted, as nginx's 499").containsEntry("client_closed", 1L);
        assertThat(v1.responsesByClass()).containsEntry("4xx", 1L);
        assertThat(blue.requests).as("the target never had a whole request").hasValue(0);
    }

    @Test
    void aClientGoingAwayWhileItsRequestRunsLeavesNothingBehindOnceTheTargetAnswers() throws Exception {
        blue.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        try (HttpConnection client = HttpConnection.open(router.port())) {
            client.sendRaw("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> router.targetStats().get("b1").inFlight() == 1);
        }
        // its FIN may be a half-close, the router cannot tell: the request runs on, and its answer finds no one
        blue.release.countDown();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(router.targetStats().get("b1").inFlight()).isZero();
            assertThat(router.groupStats().get(GroupStats.key(Tables.ENV, "v1")).inFlight()).isZero();
        });
        try (HttpConnection client = HttpConnection.open(router.port())) {
            assertThat(client.get(HOST, "/").status()).as("the target connection is as good as before").isEqualTo(200);
        }
    }

    @Test
    void aClientThatResetsItsConnectionWhileItsRequestRunsIsCountedAsGone() throws Exception {
        blue.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.getOutputStream().write(("GET /reset HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(20)).until(() -> router.targetStats().get("b1").inFlight() == 1);
            client.setSoLinger(true, 0); // closes with a reset, as a killed client or a proxy timing out does
        }

        GroupStats v1 = await().atMost(Duration.ofSeconds(20)).until(
                () -> router.groupStats().get(GroupStats.key(Tables.ENV, "v1")),
                s -> s.failures().getOrDefault("client_closed", 0L) == 1L);
        assertThat(v1.responsesByClass()).as("logged 499, as nginx does").containsEntry("4xx", 1L);
        assertThat(v1.inFlight()).isZero();
        blue.release.countDown();
    }

    @Test
    void aClientThatHalfClosesAfterItsRequestsGetsEveryAnswerThenTheConnectionCloses() throws Exception {
        blue.behave(TestBackend.Behaviour.ECHO_BODY);
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(20_000);
            OutputStream out = client.getOutputStream();
            out.write(("GET /one HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"
                    + "POST /two HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\n\r\nhello")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            client.shutdownOutput(); // as nc -N does

            String answers = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answers.split("HTTP/1.1 200 ", -1)).as(answers).hasSize(3);
            assertThat(answers).endsWith("hello");
        }
        assertThat(blue.requests).hasValue(2);
        GroupStats v1 = router.groupStats().get(GroupStats.key(Tables.ENV, "v1"));
        assertThat(v1.failures()).doesNotContainKey("client_closed");
    }

    @Test
    void aClientThatHalfClosesGetsAResponseLargerThanEverySocketBufferWhole() throws Exception {
        int size = 16 << 20;
        // one event loop, as a small host's router has: the target's reads and the client's writes take turns on it
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Router router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withWorkers(1))) {
            Thread.ofPlatform().daemon(true).start(() -> serveBytes(target, size));
            router.apply(table(2, shop(Tables.activeAt("big", target.getLocalPort()))));
            for (int round = 0; round < 5; round++) {
                try (Socket client = new Socket("127.0.0.1", router.port())) {
                    client.setSoTimeout(20_000);
                    client.getOutputStream().write(("GET /big HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    client.shutdownOutput();
                    Thread.sleep(50); // the router sees the FIN before the response comes
                    long read = client.getInputStream().transferTo(OutputStream.nullOutputStream());
                    assertThat(read).as("round " + round).isGreaterThan(size).isLessThan(size + 1024);
                }
            }
        }
    }

    private static void readHead(java.io.InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    /** Answers each connection's first request with {@code size} bytes of body, after 200 ms. */
    private static void serveBytes(ServerSocket server, int size) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        readHead(s.getInputStream()); // all of it: a close with bytes unread would be a reset
                        Thread.sleep(200);
                        var out = s.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        byte[] chunk = new byte[65536];
                        for (int sent = 0; sent < size; sent += chunk.length) {
                            out.write(chunk);
                        }
                        out.flush();
                        Thread.sleep(1000); // kept alive a while, as a server keeps a connection for the next request
                    } catch (IOException | InterruptedException e) {
                        // the router closed it
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void aClientThatHalfClosesInTheMiddleOfAHeadIsClosedWithoutAnAnswer() throws Exception {
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(20_000);
            client.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Half: ")
                    .getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(client.getInputStream().readAllBytes()).isEmpty();
        }
        assertThat(blue.requests).hasValue(0);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2000, 10_000, 60_000})
    void aConnectionAnsweredBeforeItsBodyWasReadIsClosedWhateverTheBodysSize(int size) throws Exception {
        try (Socket client = new Socket("127.0.0.1", router.port())) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: nowhere.test\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[size]);
            out.flush();
            // the 404 says Connection: close; then the router closes, which the client sees as the end of the stream
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 404 ").contains("Connection: close");
        }
    }

    @Test
    void closeLetsTheRequestInFlightFinishAndStopsAccepting() throws Exception {
        blue.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        int port = router.port();
        CompletableFuture<HttpConnection.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return HttpConnection.getOnce(port, HOST, "/");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
        await().atMost(Duration.ofSeconds(20)).until(() -> router.targetStats().get("b1").inFlight() == 1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(router::close, Thread::startVirtualThread);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class));
        blue.release.countDown();

        assertThat(slow.get().status()).isEqualTo(200);
        closing.get();
    }

    @Test
    void aResponseUnderWayWhenTheRouterIsHandedOverKeepsItsPromiseOfAKeptAliveConnection() throws Exception {
        blue.behave(TestBackend.Behaviour.HEAD_THEN_BODY_ON_RELEASE);
        int port = router.port();
        try (HttpConnection client = HttpConnection.open(port)) {
            CompletableFuture<HttpConnection.Response> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.get(HOST, "/");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Thread::startVirtualThread);
            // the target's response head has reached the router, which has told nothing to the client yet
            await().atMost(Duration.ofSeconds(20)).until(() -> router.targetStats().get("b1").inFlight() == 1);
            Thread.sleep(100);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(router::closeHandedOver,
                    Thread::startVirtualThread);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class));
            Thread.sleep(100);
            blue.behave(TestBackend.Behaviour.ANSWER);
            blue.release.countDown();

            HttpConnection.Response response = first.get();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).as("its head left before the handover").isNull();
            // the client takes the connection as kept alive and sends again at once: answered, and told to go
            HttpConnection.Response next = client.get(HOST, "/");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.header("connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
            closing.get();
        }
    }

    @Test
    void aClientThatStopsSendingItsBodyGets408AndOneThatStopsReadingItsResponseIsCut() throws Exception {
        try (Router impatient = Router.start(RouterConfig.defaults("127.0.0.1", 0)
                .withIdleTimeout(Duration.ofMillis(300)));
                ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon(true).start(() -> serveBigOrWaitForever(target));
            impatient.apply(table(1, shop(Tables.activeAt("big", target.getLocalPort()))));

            try (HttpConnection client = HttpConnection.open(impatient.port())) {
                client.sendRaw("POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 100\r\n\r\n0123456789");
                HttpConnection.Response r = client.read(false);
                assertThat(r.status()).isEqualTo(408);
                assertThat(r.text()).contains("sent no more of its request body");
                assertThat(r.closes()).isTrue();
            }
            try (Socket reader = new Socket("127.0.0.1", impatient.port())) {
                reader.getOutputStream().write(("GET /big HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                // it reads nothing: the response fills the buffers, then the router gives up on the client
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(impatient.groupStats().get(GroupStats.key(Tables.ENV, "v1")).failures())
                                .containsEntry("client_timeout", 2L));
                assertThat(impatient.targetStats().get("big").inFlight()).isZero();
            }
        }
    }

    /** GET: a 256 MiB response, written until the router takes no more; anything else: read, never answered. */
    private static void serveBigOrWaitForever(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        byte[] head = new byte[4];
                        s.getInputStream().readNBytes(head, 0, 4);
                        if (new String(head, StandardCharsets.US_ASCII).startsWith("GET")) {
                            var out = s.getOutputStream();
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 268435456\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                            byte[] chunk = new byte[65536];
                            for (int i = 0; i < 4096; i++) {
                                out.write(chunk);
                            }
                        } else {
                            s.getInputStream().transferTo(OutputStream.nullOutputStream());
                        }
                    } catch (IOException e) {
                        // the router closed it
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void idleConnectionsTimeOutOnBothSides() throws Exception {
        try (Router impatient = Router.start(RouterConfig.defaults("127.0.0.1", 0)
                .withIdleTimeout(Duration.ofMillis(200)))) {
            impatient.apply(table(1, shop(active("b1", blue))));
            try (HttpConnection client = HttpConnection.open(impatient.port())) {
                assertThat(client.get(HOST, "/").status()).isEqualTo(200);

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(blue.openConnections()).isZero();
                    assertThat(impatient.targetStats().get("b1").openConnections()).isZero();
                });
                assertThat(client.closedByPeer()).isTrue();
            }
        }
    }
}
