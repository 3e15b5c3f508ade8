package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RouteOptions;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-route behaviour: round robin, the body limit on chunked bodies, and {@code Expect: 100-continue}. */
class RouterOptionsTest {

    private Router router;
    private final List<TestBackend> backends = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0));
        for (String name : List.of("a", "b", "c")) {
            backends.add(TestBackend.start(name));
        }
    }

    @AfterEach
    void stop() {
        router.close();
        backends.forEach(TestBackend::close);
    }

    private Route route(RouteOptions options) {
        return new Route(ENV, List.of(HOST), "/", List.of(group("v1", 100, active("a", backends.get(0)),
                active("b", backends.get(1)), active("c", backends.get(2)))), options);
    }

    @Test
    void roundRobinTakesTheTargetsInTurn() throws Exception {
        router.apply(table(1, route(new RouteOptions(Balance.ROUND_ROBIN, false, -1))));
        List<String> seen = new ArrayList<>();
        try (HttpConnection c = HttpConnection.open(router.port())) {
            for (int i = 0; i < 9; i++) {
                seen.add(c.get(HOST, "/").text());
            }
        }
        // Whatever the first, each target comes once in every three, in the same order.
        assertThat(seen.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(seen.subList(3, 6)).isEqualTo(seen.subList(0, 3));
        assertThat(seen.subList(6, 9)).isEqualTo(seen.subList(0, 3));
    }

    @Test
    void aChunkedBodyThatGrowsPastTheLimitIs413AndTheTargetNeverSeesAWholeRequest() throws Exception {
        backends.forEach(b -> b.behave(TestBackend.Behaviour.ECHO_BODY));
        router.apply(table(1, route(new RouteOptions(Balance.LEAST_OUTSTANDING, false, 16))));
        try (HttpConnection c = HttpConnection.open(router.port())) {
            c.sendRaw("POST / HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "a\r\n0123456789\r\n" + "a\r\n0123456789\r\n0\r\n\r\n");
            HttpConnection.Response response = c.read(false);
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("x-cutover-error")).isEqualTo("body_too_large");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).isZero();

        try (HttpConnection c = HttpConnection.open(router.port())) {
            c.sendRaw("POST / HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "a\r\n0123456789\r\n0\r\n\r\n");
            assertThat(c.read(false).text()).as("a body within the limit").isEqualTo("0123456789");
        }
    }

    @Test
    void expectContinueIsAnsweredOnceTheRequestReachedATarget() throws Exception {
        backends.forEach(b -> b.behave(TestBackend.Behaviour.ECHO_BODY));
        router.apply(table(1, route(RouteOptions.DEFAULT)));
        try (Socket socket = new Socket("127.0.0.1", router.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(in.readNBytes(25), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String rest = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(rest).isEqualTo("HTTP/1.1 200");
        }
        assertThat(backends.stream().flatMap(b -> b.seen.stream()).map(TestBackend.Seen::body)).containsExactly("hello");
        assertThat(backends.stream().flatMap(b -> b.seen.stream()).map(s -> s.headers().get("Expect")))
                .as("the router answered the expectation itself").containsOnlyNulls();
    }
}
