package dev.cutover.router;

import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.shop;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Smuggling and malformation (44 cases): each case is sent on its own connection and must be answered with its status and a
 * closed connection, while a good keep-alive client on another connection keeps getting 200s throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterMalformedInputTest {

    private static final String H = "Host: " + HOST + "\r\n";

    private Router router;
    private TestBackend blue;
    private Thread goodClient;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger goodResponses = new AtomicInteger();
    private final AtomicReference<Throwable> goodFailure = new AtomicReference<>();

    @BeforeAll
    void start() throws Exception {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0));
        blue = TestBackend.start("blue");
        router.apply(table(1, shop(active("b1", blue))));
        HttpConnection good = HttpConnection.open(router.port());
        goodClient = Thread.ofPlatform().daemon().start(() -> {
            try (good) {
                while (!stop.get()) {
                    HttpConnection.Response response = good.get(HOST, "/");
                    if (response.status() != 200 || !response.text().equals("blue")) {
                        throw new AssertionError("good client got " + response.status() + " " + response.text());
                    }
                    goodResponses.incrementAndGet();
                    Thread.sleep(2);
                }
            } catch (Throwable e) {
                goodFailure.set(e);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> goodResponses.get() > 0 || goodFailure.get() != null);
    }

    @AfterAll
    void stop() throws Exception {
        stop.set(true);
        goodClient.join(30_000);
        router.close();
        blue.close();
    }

    static Stream<Arguments> cases() {
        String longValue = "a".repeat(20_000);
        return Stream.of(
                Arguments.of("Content-Length and Transfer-Encoding", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding and Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding twice", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("chunked not last", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                Arguments.of("an unknown transfer coding", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("xchunked", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding in HTTP/1.0", 400,
                        "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("a TLS handshake on the HTTP port", 400, "\u0016\u0003\u0001\u0002\u0000\u0001\u0000"),
                Arguments.of("a request starting with a space", 400, " GET / HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("an HTTP/0.9 request, answered at its line end", 400, "GET /\r\n"),
                Arguments.of("a word after the version, answered at its line end", 400, "GET / HTTP/1.1 x\r\n"),
                Arguments.of("trailer line without a colon", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\nBad trailer\r\n\r\n"),
                Arguments.of("Content-Length in a trailer", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 50\r\n\r\n"),
                Arguments.of("Transfer-Encoding in a trailer", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
                                + "transfer-ENCODING: chunked\r\n\r\n"),
                Arguments.of("chunk size not hex", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunk size overflowing", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("header section too large", 431,
                        "GET / HTTP/1.1\r\n" + H + "X-Big: " + longValue + "\r\n\r\n"),
                Arguments.of("many headers too large together", 431,
                        "GET / HTTP/1.1\r\n" + H + "X-A: b\r\n".repeat(3000) + "\r\n"),
                Arguments.of("request line too long", 414,
                        "GET /" + longValue + " HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("space in a header name", 400,
                        "GET / HTTP/1.1\r\n" + H + "Bad Header: x\r\n\r\n"),
                Arguments.of("non-token header name", 400,
                        "GET / HTTP/1.1\r\n" + H + "X-B(a)d: x\r\n\r\n"),
                Arguments.of("space before the colon", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length : 5\r\n\r\nhello"),
                Arguments.of("header line without colon", 400,
                        "GET / HTTP/1.1\r\n" + H + "NoColonHere\r\n\r\n"),
                Arguments.of("two different Content-Lengths", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                Arguments.of("a repeated Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 5\r\n\r\nhello"),
                Arguments.of("negative Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n"),
                Arguments.of("non-numeric Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: five\r\n\r\nhello"),
                Arguments.of("Content-Length with a sign", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello"),
                Arguments.of("two Host headers", 400,
                        "GET / HTTP/1.1\r\n" + H + "Host: other.example.com\r\n\r\n"),
                Arguments.of("absolute-form host differing from Host", 400,
                        "GET http://other.example.com/ HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("Host with a path", 400,
                        "GET / HTTP/1.1\r\nHost: " + HOST + "/evil\r\n\r\n"),
                Arguments.of("Host with user info", 400,
                        "GET / HTTP/1.1\r\nHost: user@" + HOST + "\r\n\r\n"),
                Arguments.of("no Host in HTTP/1.1", 400,
                        "GET / HTTP/1.1\r\n\r\n"),
                Arguments.of("request target neither path nor URI", 400,
                        "GET foo HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("CONNECT", 400,
                        "CONNECT " + HOST + ":443 HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("NUL in a header value", 400,
                        "GET / HTTP/1.1\r\n" + H + "X-A: a\u0000b\r\n\r\n"),
                Arguments.of("unknown HTTP version", 400,
                        "GET / HTTP/1.x\r\n" + H + "\r\n"),
                Arguments.of("control character in the method", 400,
                        "G\u0001T / HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("obsolete line folding", 400,
                        "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n"),
                Arguments.of("a bare CR inside a header line", 400,
                        "GET / HTTP/1.1\r\n" + H + "X-A: a\rTransfer-Encoding: chunked\r\n\r\n"),
                Arguments.of("a lowercase HTTP version", 400,
                        "GET / http/1.1\r\n" + H + "\r\n"),
                Arguments.of("two spaces in the request line", 400,
                        "GET  / HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("HTTP/2 preface", 400,
                        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
                Arguments.of("a chunk size line ended by a bare LF", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunk data longer than its size", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("a chunk extension with a control character", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;a=\u0001\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding with a trailing comma", 400,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n"),
                Arguments.of("more than 256 header fields", 431,
                        "GET / HTTP/1.1\r\n" + H + "X: y\r\n".repeat(300) + "\r\n"),
                Arguments.of("an unsupported expectation", 417,
                        "POST / HTTP/1.1\r\n" + H + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx"),
                Arguments.of("Content-Length with spaces inside", 400,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 1 0\r\n\r\n0123456789"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("cases")
    void isRefusedWithoutDisturbingOtherConnections(String name, int status, String raw) throws Exception {
        int before = goodResponses.get();
        try (HttpConnection bad = HttpConnection.open(router.port())) {
            bad.sendRaw(raw);
            HttpConnection.Response response = bad.read(false);

            assertThat(response.status()).as(name).isEqualTo(status);
            assertThat(response.header("x-cutover-error")).isNotBlank();
            assertThat(bad.closedByPeer()).as("connection closed after " + name).isTrue();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> goodResponses.get() > before || goodFailure.get() != null);
        assertThat(goodFailure.get()).isNull();
    }

    @Test
    void nothingIsLeftInFlightOrLeakedAfterTheBadRequests() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(goodFailure.get()).isNull();
            assertThat(router.targetStats().get("b1").inFlight()).isLessThanOrEqualTo(1);
            // The good client's connection, and at most one left over by an aborted chunked request being closed.
            assertThat(router.targetStats().get("b1").openConnections()).isLessThanOrEqualTo(2);
        });
    }
}
