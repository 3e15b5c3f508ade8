package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.route;
import static dev.cutover.router.Tables.shop;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterProxyTest {

    private Router router;
    private TestBackend blue;
    private TestBackend green;

    @BeforeEach
    void start() throws InterruptedException {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0));
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
    void routesEachHostToItsEnvironment() throws Exception {
        router.apply(table(1,
                route("shop/production", "shop.example.com", group("v1", 1, active("b1", blue))),
                route("blog/production", "blog.example.com", group("v1", 1, active("g1", green)))));

        assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("blue");
        assertThat(HttpConnection.getOnce(router.port(), "BLOG.example.com:8080", "/").text()).isEqualTo("green");
        assertThat(router.appliedVersion()).isEqualTo(1);
    }

    @Test
    void oneConnectionCanAskForSeveralHostsInTurn() throws Exception {
        router.apply(table(1,
                route("shop/production", "shop.example.com", group("v1", 1, active("b1", blue))),
                route("blog/production", "blog.example.com", group("v1", 1, active("g1", green)))));

        try (HttpConnection c = HttpConnection.open(router.port())) {
            assertThat(c.get("shop.example.com", "/").text()).isEqualTo("blue");
            assertThat(c.get("shop.example.com", "/").text()).isEqualTo("blue");
            assertThat(c.get("blog.example.com", "/").text()).isEqualTo("green");
            assertThat(c.get("nope.example.com", "/").status()).isEqualTo(404);
            assertThat(c.get("Shop.Example.com:80", "/").text()).isEqualTo("blue");
            c.sendRaw("GET http://blog.example.com/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(c.read(false).text()).as("absolute form without Host").isEqualTo("green");
            assertThat(c.get("shop.example.com", "/").text()).isEqualTo("blue");
        }
    }

    @Test
    void unknownHostGets404NamingTheHost() throws Exception {
        router.apply(table(1, shop(active("b1", blue))));

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), "nope.example.com", "/");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).contains("no environment is served at host 'nope.example.com'");
        assertThat(blue.requests).hasValue(0);
    }

    @Test
    void wildcardMatchesSubdomainsAndAnExactHostWins() throws Exception {
        router.apply(table(1,
                route("any/production", "*.example.com", group("v1", 1, active("b1", blue))),
                route("api/production", "api.example.com", group("v1", 1, active("g1", green)))));

        assertThat(HttpConnection.getOnce(router.port(), "a.b.example.com", "/").text()).isEqualTo("blue");
        assertThat(HttpConnection.getOnce(router.port(), "api.example.com", "/").text()).isEqualTo("green");
        assertThat(HttpConnection.getOnce(router.port(), "example.com", "/").status()).isEqualTo(404);
    }

    @Test
    void longestPathPrefixWins() throws Exception {
        router.apply(table(1,
                route("shop/production", HOST, "/", group("v1", 1, active("b1", blue))),
                route("shop-api/production", HOST, "/api", group("v1", 1, active("g1", green)))));

        assertThat(HttpConnection.getOnce(router.port(), HOST, "/api/orders?x=1").text()).isEqualTo("green");
        assertThat(HttpConnection.getOnce(router.port(), HOST, "/cart").text()).isEqualTo("blue");
    }

    @Test
    void routeWithoutActiveTargetGets503() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 1, Tables.draining("b1", blue)))));

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.text()).contains(ENV);
    }

    @Test
    void olderTableIsIgnored() throws Exception {
        router.apply(table(2, shop(active("b1", blue))));
        router.apply(table(1, shop(active("g1", green))));

        assertThat(router.appliedVersion()).isEqualTo(2);
        assertThat(HttpConnection.getOnce(router.port(), HOST, "/").text()).isEqualTo("blue");
    }

    @Test
    void forwardsClientHeadersAndGivesTheRequestAnId() throws Exception {
        router.apply(table(1, shop(active("b1", blue))));

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), "Shop.Example.com:80", "/x",
                "X-Forwarded-For: 10.0.0.1");

        TestBackend.Seen seen = blue.seen.poll();
        assertThat(seen.headers().get("Host")).isEqualTo("Shop.Example.com:80");
        assertThat(seen.headers().get("X-Forwarded-For")).isEqualTo("10.0.0.1, 127.0.0.1");
        assertThat(seen.headers().get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.headers().get("X-Forwarded-Host")).isEqualTo("Shop.Example.com:80");
        assertThat(seen.headers().get("X-Request-Id")).matches("[0-9a-f]{32}");
        assertThat(response.header("X-Request-Id")).isEqualTo(seen.headers().get("X-Request-Id"));
    }

    @Test
    void keepsTheClientsRequestId() throws Exception {
        router.apply(table(1, shop(active("b1", blue))));

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/", "X-Request-Id: abc-123");

        assertThat(blue.seen.poll().headers().get("X-Request-Id")).isEqualTo("abc-123");
        assertThat(response.header("X-Request-Id")).isEqualTo("abc-123");
    }

    @Test
    void sequentialRequestsReuseOneTargetConnection() throws Exception {
        router.apply(table(1, shop(active("b1", blue))));

        try (HttpConnection client = HttpConnection.open(router.port())) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.get(HOST, "/").status()).isEqualTo(200);
            }
        }

        assertThat(blue.requests).hasValue(20);
        assertThat(blue.connectionsAccepted).hasValue(1);
        assertThat(router.targetStats().get("b1").requests()).isEqualTo(20);
    }

    @Test
    void streamsALargeBodyBothWays() throws Exception {
        blue.behave(TestBackend.Behaviour.ECHO_BODY);
        router.apply(table(1, shop(active("b1", blue))));
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(1).nextBytes(body);
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + Math.floorMod(body[i], 26));
        }

        try (HttpConnection client = HttpConnection.open(router.port())) {
            HttpConnection.Response response = client.request("POST", HOST, "/upload", body);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);
            assertThat(client.get(HOST, "/").status()).isEqualTo(200);
        }
    }

    @Test
    void connectionCloseFromClientClosesAfterTheResponse() throws Exception {
        router.apply(table(1, shop(active("b1", blue))));

        try (HttpConnection client = HttpConnection.open(router.port())) {
            HttpConnection.Response response = client.get(HOST, "/", "Connection: close");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void servesHttp10Clients() throws Exception {
        router.apply(table(1, shop(active("b1", blue))));

        try (HttpConnection client = HttpConnection.open(router.port())) {
            client.sendRaw("GET / HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n");
            HttpConnection.Response response = client.read(false);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("blue");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void bytesATargetSendsAfterAResponseNeverReachThePipelinedRequestThatFollows() throws Exception {
        blue.behave(TestBackend.Behaviour.RESPONSE_AND_AN_EXTRA);
        router.apply(table(1, shop(active("b1", blue))));

        for (int i = 0; i < 3; i++) {
            try (HttpConnection client = HttpConnection.open(router.port())) {
                client.sendRaw("GET /first HTTP/1.1\r\nHost: " + HOST + "\r\n\r\nGET /second HTTP/1.1\r\nHost: "
                        + HOST + "\r\n\r\n");
                assertThat(client.read(false).text()).isEqualTo("blue");
                assertThat(client.read(false).text()).as("the second request's own answer, from a new connection")
                        .isEqualTo("blue");
            }
        }
    }

    @Test
    void anAnswerBeforeTheEndOfALongBodySaysTheConnectionCloses() throws Exception {
        try (EarlyAnswer target = EarlyAnswer.start()) {
            router.apply(table(1, route(ENV, HOST, group("v1", 100, Tables.activeAt("early", target.port())))));
            for (long length : new long[] {10_000_000, 2_000}) {
                try (HttpConnection client = HttpConnection.open(router.port())) {
                    client.sendRaw("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + length
                            + "\r\n\r\n" + "x".repeat(1_000));
                    HttpConnection.Response r = client.read(false);
                    assertThat(r.status()).isEqualTo(413);
                    assertThat(r.closes()).as("a body of %d bytes, 1000 sent: %s", length,
                            length > 1_048_576 ? "too long to read and drop" : "read and dropped").isEqualTo(
                            length > 1_048_576);
                }
            }
        }
    }

    /** A target that answers 413 as soon as it has a request head, and reads (and drops) the body after. */
    private record EarlyAnswer(ServerSocket server, Thread acceptor) implements AutoCloseable {
        static EarlyAnswer start() throws IOException {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = Thread.ofPlatform().daemon(true).start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> answerEarly(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            return new EarlyAnswer(server, acceptor);
        }

        private static void answerEarly(Socket s) {
            try (s) {
                var in = s.getInputStream();
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                }
                s.getOutputStream().write("HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\n\r\nearly"
                        .getBytes(StandardCharsets.US_ASCII));
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the router closed it
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        blue.behave(TestBackend.Behaviour.ECHO_BODY);
        router.apply(table(1, shop(active("b1", blue))));

        try (HttpConnection client = HttpConnection.open(router.port())) {
            StringBuilder raw = new StringBuilder();
            for (String word : List.of("one", "two", "three")) {
                raw.append("POST / HTTP/1.1\r\nHost: ").append(HOST).append("\r\nContent-Length: ")
                        .append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(word);
            }
            client.sendRaw(raw.toString());
            assertThat(client.read(false).text()).isEqualTo("one");
            assertThat(client.read(false).text()).isEqualTo("two");
            assertThat(client.read(false).text()).isEqualTo("three");
        }
    }
}
