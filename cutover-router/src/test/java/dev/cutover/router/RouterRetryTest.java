package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.activeAt;
import static dev.cutover.router.Tables.shop;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterRetryTest {

    private Router router;
    private TestBackend blue;
    private TestBackend green;

    @BeforeEach
    void start() throws InterruptedException {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withResponseTimeout(Duration.ofSeconds(1)));
        blue = TestBackend.start("blue");
        green = TestBackend.start("green");
    }

    @AfterEach
    void stop() {
        router.close();
        blue.close();
        green.close();
    }

    @Test
    void aTargetThatRefusesConnectionsIsSkipped() throws Exception {
        router.apply(table(1, shop(active("b1", blue), activeAt("dead", Tables.closedPort()))));

        int failed = 0;
        for (int i = 0; i < 200; i++) {
            // A new client connection each time, so that every request picks afresh.
            if (HttpConnection.getOnce(router.port(), HOST, "/").status() != 200) {
                failed++;
            }
        }

        assertThat(failed).isZero();
        assertThat(blue.requests).hasValue(200);
        assertThat(router.targetStats().get("dead").failures()).isPositive();
        assertThat(router.targetStats().get("dead").inFlight()).isZero();
    }

    @Test
    void whenNoTargetAcceptsTheClientGets502NamingTheEnvironment() throws Exception {
        router.apply(table(1, shop(activeAt("dead1", Tables.closedPort()), activeAt("dead2", Tables.closedPort()))));

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.text()).contains("bad gateway: could not connect to any target of " + ENV);
        assertThat(router.targetStats().get("dead1").failures()).isEqualTo(1);
        assertThat(router.targetStats().get("dead2").failures()).isEqualTo(1);
    }

    @Test
    void aRequestATargetReceivedIsNeverRetried() throws Exception {
        blue.behave(TestBackend.Behaviour.RESET);
        green.behave(TestBackend.Behaviour.RESET);
        router.apply(table(1, shop(active("b1", blue), active("g1", green))));

        byte[] body = "pay 10 EUR".getBytes(StandardCharsets.UTF_8);
        try (HttpConnection client = HttpConnection.open(router.port())) {
            try {
                HttpConnection.Response response = client.request("POST", HOST, "/pay", body);
                assertThat(response.status()).isEqualTo(502);
            } catch (IOException closedWithoutResponse) {
                // Also acceptable: the router may close the client connection instead of answering.
            }
        }

        assertThat(blue.requests.get() + green.requests.get()).isEqualTo(1);
    }

    @Test
    void anIdempotentRequestWhoseTargetDiesBeforeAnsweringIsReplayedOnAnotherTarget() throws Exception {
        blue.behave(TestBackend.Behaviour.RESET);
        router.apply(table(1, shop(active("b1", blue), active("g1", green))));

        int failed = 0;
        try (HttpConnection client = HttpConnection.open(router.port())) {
            for (int i = 0; i < 50; i++) {
                if (client.request("GET", HOST, "/", null).status() != 200) {
                    failed++;
                }
            }
        }

        assertThat(failed).isZero();
        assertThat(green.requests).hasValue(50);
        assertThat(blue.requests.get()).as("some requests reached the dying target first").isPositive();
        assertThat(router.targetStats().get("b1").failures()).isEqualTo(blue.requests.get());
        assertThat(router.targetStats().get("b1").inFlight()).isZero();
    }

    @Test
    void anIdempotentRequestWhoseTargetDiesBetweenResponseHeadAndBodyIsReplayedOnAnotherTarget() throws Exception {
        blue.behave(TestBackend.Behaviour.HEAD_THEN_RESET);
        router.apply(table(1, shop(active("b1", blue), active("g1", green))));

        int failed = 0;
        try (HttpConnection client = HttpConnection.open(router.port())) {
            for (int i = 0; i < 50; i++) {
                HttpConnection.Response r = client.request("GET", HOST, "/", null);
                if (r.status() != 200 || !r.text().equals("green")) {
                    failed++;
                }
            }
        }

        assertThat(failed).isZero();
        assertThat(blue.requests.get()).as("some requests reached the dying target first").isPositive();
    }

    @Test
    void aReplayedRequestWhoseOnlyTargetDiesAgainGets502() throws Exception {
        blue.behave(TestBackend.Behaviour.RESET);
        router.apply(table(1, shop(active("b1", blue))));

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");

        assertThat(response.status()).isEqualTo(502);
        assertThat(blue.requests).as("once more on the only target, then no more").hasValue(2);
    }

    @Test
    void anIdempotentRequestWhoseOnlyTargetClosedBeforeAnsweringIsReplayedOnItOnce() throws Exception {
        try (ServerSocket flaky = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofPlatform().daemon(true).start(() -> {
                while (!flaky.isClosed()) {
                    try (Socket s = flaky.accept()) {
                        byte[] head = new byte[4096];
                        s.getInputStream().read(head);
                        if (accepted.incrementAndGet() > 1) { // the first connection closes without a word
                            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                    + "Connection: close\r\n\r\nflaky").getBytes(StandardCharsets.US_ASCII));
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            router.apply(table(1, shop(activeAt("flaky", flaky.getLocalPort()))));

            HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("flaky");
            assertThat(accepted).hasValue(2);
        }
    }

    @Test
    void aRequestThatKillsEveryTargetItReachesEndsTaggedByTheFailureNotByTheRefusalsAfterIt() throws Exception {
        // each target dies of the request: it closes the connection, and stops listening
        try (ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket second = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (ServerSocket target : List.of(first, second)) {
                Thread.ofPlatform().daemon(true).start(() -> {
                    try (target; Socket s = target.accept()) {
                        readHead(s.getInputStream());
                    } catch (IOException e) {
                        // the test is over
                    }
                });
            }
            router.apply(table(1, shop(activeAt("first", first.getLocalPort()),
                    activeAt("second", second.getLocalPort()))));

            HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/crash");

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.header("X-Cutover-Error")).as("both closed on it; the refusal came after")
                    .isEqualTo("target_failed");
        }
    }

    @Test
    void aReplayGoesOverANewConnectionNotAnotherPooledOneThatMayBeClosingToo() throws Exception {
        // answers one request per connection and closes on the next without a word, with no Connection: close (as
        // app servers that close keep-alive connections after N requests do, caught between two requests)
        try (ServerSocket oneEach = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofPlatform().daemon(true).start(() -> {
                while (!oneEach.isClosed()) {
                    try {
                        Socket s = oneEach.accept();
                        accepted.incrementAndGet();
                        Thread.ofPlatform().daemon(true).start(() -> answerOnceThenClose(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            router.apply(table(1, shop(activeAt("one-each", oneEach.getLocalPort()))));
            // four requests at once: four target connections, each of which has answered its one request
            java.util.List<java.util.concurrent.CompletableFuture<Integer>> first = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                first.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return HttpConnection.getOnce(router.port(), HOST, "/slow").status();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
            }
            assertThat(first).allSatisfy(f -> assertThat(f.get()).isEqualTo(200));
            assertThat(accepted).hasValue(4);

            HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(accepted).as("the replay's own new connection").hasValue(5);
        }
    }

    /** Answers the first request on {@code s} (after 200 ms when it asks for /slow), then closes on the next. */
    private static void answerOnceThenClose(Socket s) {
        try (s) {
            java.io.InputStream in = s.getInputStream();
            String head = readHead(in);
            if (head.contains("/slow")) {
                Thread.sleep(200);
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                    .getBytes(StandardCharsets.US_ASCII));
            readHead(in);
        } catch (IOException | InterruptedException e) {
            // the router went away
        }
    }

    private static String readHead(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeGives504() throws Exception {
        blue.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        router.apply(table(1, shop(active("b1", blue))));

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");

        assertThat(response.status()).isEqualTo(504);
        assertThat(blue.requests).hasValue(1);
        assertThat(router.targetStats().get("b1").inFlight()).isZero();
    }
}
