package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.activeAt;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.route;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RouteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every way the router answers for a target, each with its status, its tag in {@code X-Cutover-Error} and the
 * metrics, and a one-line body that says what happened and where.
 */
class RouterFailureMappingTest {

    private Router router;
    private TestBackend blue;

    @BeforeEach
    void start() throws Exception {
        router = Router.start(new RouterConfig("127.0.0.1", 0, Duration.ofSeconds(2), Duration.ofMillis(300),
                Duration.ofSeconds(60), 1));
        blue = TestBackend.start("blue");
    }

    @AfterEach
    void stop() {
        router.close();
        blue.close();
    }

    private static void assertFailure(HttpConnection.Response response, int status, String tag, String text) {
        assertThat(response.status()).as(tag).isEqualTo(status);
        assertThat(response.header("x-cutover-error")).isEqualTo(tag);
        assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.header("x-request-id")).isNotBlank();
        assertThat(response.text()).contains(text).endsWith("\n");
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        try (HttpConnection c = HttpConnection.open(router.port())) {
            c.sendRaw("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nBad Header: x\r\n\r\n");
            assertFailure(c.read(false), 400, "bad_request", "bad request: whitespace before the colon");
        }
        assertThat(router.unroutedStats()).containsEntry("bad_request", 1L);
    }

    @Test
    void aLongRequestLineIs414AndALargeHeaderSectionIs431() throws Exception {
        try (HttpConnection c = HttpConnection.open(router.port())) {
            c.sendRaw("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            assertFailure(c.read(false), 414, "uri_too_long", "URI too long");
        }
        try (HttpConnection c = HttpConnection.open(router.port())) {
            c.sendRaw("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + "a".repeat(17_000) + "\r\n\r\n");
            assertFailure(c.read(false), 431, "headers_too_large", "request header fields too large");
        }
    }

    @Test
    void anUnknownExpectationIs417() throws Exception {
        try (HttpConnection c = HttpConnection.open(router.port())) {
            c.sendRaw("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nExpect: teapot\r\n\r\n");
            assertFailure(c.read(false), 417, "expectation_failed", "unsupported expectation 'teapot'");
        }
    }

    @Test
    void aBodyOverTheRoutesLimitIs413() throws Exception {
        router.apply(table(1, new Route(ENV, List.of(HOST), "/", List.of(group("v1", 100, active("b1", blue))),
                new RouteOptions(Balance.LEAST_OUTSTANDING, false, 10))));
        try (HttpConnection c = HttpConnection.open(router.port())) {
            HttpConnection.Response r = c.request("POST", HOST, "/", "01234567890".getBytes(StandardCharsets.UTF_8));
            assertFailure(r, 413, "body_too_large", "content too large: " + ENV + " takes request bodies of at most 10");
            assertThat(c.closedByPeer()).as("the unread body leaves the connection unusable").isTrue();
        }
        assertThat(blue.requests).hasValue(0);
    }

    @Test
    void anUnknownHostIs404NamingIt() throws Exception {
        assertFailure(HttpConnection.getOnce(router.port(), "nowhere.example.com", "/"), 404, "no_route",
                "no environment is served at host 'nowhere.example.com'");
    }

    @Test
    void aRouteWithoutActiveTargetsIs503() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100))));
        assertFailure(HttpConnection.getOnce(router.port(), HOST, "/"), 503, "no_target", ENV + " has no active target");
    }

    @Test
    void targetsAtTheirConnectionLimitAre503() throws Exception {
        blue.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        // The one connection allowed is held by a request in flight; the router is patient for 300 ms.
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return HttpConnection.getOnce(router.port(), HOST, "/").status();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
        org.awaitility.Awaitility.await().until(() -> router.targetStats().get("b1").inFlight() == 1);
        assertFailure(HttpConnection.getOnce(router.port(), HOST, "/"), 503, "targets_at_capacity",
                "every target of " + ENV + " is at its connection limit");
        blue.release.countDown();
        assertThat(first.get()).isIn(200, 504);
    }

    @Test
    void noTargetAcceptingAConnectionIs502() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100, activeAt("dead", Tables.closedPort())))));
        assertFailure(HttpConnection.getOnce(router.port(), HOST, "/"), 502, "connect_failed",
                "could not connect to any target of " + ENV);
    }

    @Test
    void aTargetClosingWithoutAResponseIs502() throws Exception {
        blue.behave(TestBackend.Behaviour.RESET);
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        try (HttpConnection c = HttpConnection.open(router.port())) {
            HttpConnection.Response r = c.request("POST", HOST, "/", "x".getBytes(StandardCharsets.UTF_8));
            assertFailure(r, 502, "target_failed", "a target of " + ENV + " closed the connection without a response");
        }
    }

    @Test
    void aTargetAnsweringWithSomethingThatIsNotHttpIs502() throws Exception {
        blue.behave(TestBackend.Behaviour.GARBAGE);
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        try (HttpConnection c = HttpConnection.open(router.port())) {
            HttpConnection.Response r = c.request("POST", HOST, "/", "x".getBytes(StandardCharsets.UTF_8));
            assertFailure(r, 502, "bad_response", "a target of " + ENV + " sent a response that is not valid HTTP");
        }
    }

    @Test
    void aTargetSwitchingProtocolsUnaskedIs502ForABadResponse() throws Exception {
        blue.behave(TestBackend.Behaviour.SWITCH_UNASKED);
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        assertFailure(HttpConnection.getOnce(router.port(), HOST, "/"), 502, "bad_response",
                "a target of " + ENV + " sent a response that is not valid HTTP");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = TestBackend.Behaviour.class, names = {"HUGE_HEAD",
            "MANY_FIELDS"})
    void aTargetResponseHeadOverTheLimitsIs502ThatSaysSo(TestBackend.Behaviour behaviour) throws Exception {
        blue.behave(behaviour);
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        assertFailure(HttpConnection.getOnce(router.port(), HOST, "/"), 502, "response_head_too_large",
                "a target of " + ENV + " sent a response head larger than the router reads (64 KiB, 256 fields)");
        assertThat(router.groupStats().get(dev.cutover.model.routing.GroupStats.key(ENV, "v1")).failures())
                .containsEntry("response_head_too_large", 1L);
    }

    @Test
    void aTargetTooSlowToAnswerIs504() throws Exception {
        blue.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        assertFailure(HttpConnection.getOnce(router.port(), HOST, "/"), 504, "response_timeout",
                "a target of " + ENV + " did not respond in time");
        assertThat(router.groupStats().get(dev.cutover.model.routing.GroupStats.key(ENV, "v1")).failures())
                .containsEntry("response_timeout", 1L);
    }
}
