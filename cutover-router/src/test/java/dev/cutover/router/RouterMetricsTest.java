package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.activeAt;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.route;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.routing.GroupStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterMetricsTest {

    @TempDir
    Path dir;

    private TestBackend blue;
    private TestBackend green;
    private Router router;
    private Path accessLog;

    @BeforeEach
    void start() throws Exception {
        blue = TestBackend.start("blue");
        green = TestBackend.start("green");
        accessLog = dir.resolve("access.log");
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withAccessLog(accessLog.toString()));
    }

    @AfterEach
    void stop() {
        router.close();
        blue.close();
        green.close();
    }

    @Test
    void countsRequestsResponsesAndLatencyPerGroup() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 50, active("b1", blue)), group("v2", 50, active("g1", green)))));
        int blueSeen = 0;
        for (int i = 0; i < 40; i++) {
            if (HttpConnection.getOnce(router.port(), HOST, "/").text().equals("blue")) {
                blueSeen++;
            }
        }

        GroupStats v1 = router.groupStats().get(GroupStats.key(ENV, "v1"));
        GroupStats v2 = router.groupStats().get(GroupStats.key(ENV, "v2"));
        assertThat(v1.requests()).isEqualTo(blueSeen);
        assertThat(v2.requests()).isEqualTo(40 - blueSeen);
        assertThat(v1.responsesByClass()).containsEntry("2xx", (long) blueSeen).containsEntry("5xx", 0L);
        assertThat(v1.failures()).isEmpty();
        assertThat(v1.latency().count() + v2.latency().count()).isEqualTo(40);
        if (blueSeen > 0) {
            assertThat(v1.latency().quantileMicros(0.5)).isPositive();
            assertThat(v1.latency().quantileMicros(0.99)).isGreaterThanOrEqualTo(v1.latency().quantileMicros(0.5));
            assertThat(v1.latency().meanMicros()).isPositive();
        }
        assertThat(v1.errorRate()).isZero();
    }

    @Test
    void countsFailuresByTheirTag() throws Exception {
        int dead = Tables.closedPort();
        router.apply(table(1, route(ENV, HOST, group("v1", 100, activeAt("dead", dead))),
                route("empty/production", "empty.example.com", group("v1", 100))));

        assertThat(HttpConnection.getOnce(router.port(), HOST, "/").status()).isEqualTo(502);
        assertThat(HttpConnection.getOnce(router.port(), "empty.example.com", "/").status()).isEqualTo(503);
        assertThat(HttpConnection.getOnce(router.port(), "nowhere.example.com", "/").status()).isEqualTo(404);

        GroupStats v1 = router.groupStats().get(GroupStats.key(ENV, "v1"));
        assertThat(v1.failures()).containsEntry("connect_failed", 1L);
        assertThat(v1.responsesByClass()).containsEntry("5xx", 1L);
        assertThat(v1.errorRate()).isEqualTo(1.0);
        GroupStats unpicked = router.groupStats().get(GroupStats.key("empty/production", GroupStats.NO_GROUP));
        assertThat(unpicked.failures()).containsEntry("no_target", 1L);
        assertThat(router.unroutedStats()).containsEntry("no_route", 1L);
    }

    @Test
    void exportsPrometheusText() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        HttpConnection.getOnce(router.port(), HOST, "/");

        String text = router.prometheusText();

        assertThat(text)
                .contains("# TYPE cutover_router_requests_total counter")
                .contains("cutover_router_requests_total{environment=\"shop/production\",group=\"v1\"} 1")
                .contains("cutover_router_responses_total{environment=\"shop/production\",group=\"v1\",class=\"2xx\"} 1")
                .contains("cutover_router_request_duration_seconds_bucket{environment=\"shop/production\",group=\"v1\","
                        + "le=\"+Inf\"} 1")
                .contains("cutover_router_request_duration_seconds_count{environment=\"shop/production\",group=\"v1\"} 1")
                .contains("cutover_router_target_requests_total{instance=\"b1\"} 1")
                .contains("# TYPE cutover_router_access_log_dropped_lines_total counter\n"
                        + "cutover_router_access_log_dropped_lines_total 0\n");
    }

    @Test
    void writesOneAccessLogLinePerRequest() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        HttpConnection.getOnce(router.port(), HOST, "/cart?id=3", "X-Request-Id: req-42");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(accessLog)
                && !Files.readAllLines(accessLog).isEmpty());
        List<String> lines = Files.readAllLines(accessLog);
        assertThat(lines).hasSize(1);
        String[] fields = lines.get(0).split(" ");
        assertThat(fields).hasSize(13);
        assertThat(fields[1]).isEqualTo("req-42");
        assertThat(fields[2]).isEqualTo("127.0.0.1");
        assertThat(fields[3] + " " + fields[4]).isEqualTo("\"GET /cart?id=3\"");
        assertThat(fields[5]).isEqualTo(HOST);
        assertThat(fields[6]).isEqualTo("200");
        assertThat(fields[7]).isEqualTo("4");
        assertThat(fields[8]).matches("\\d+\\.\\d{3}");
        assertThat(List.of(fields[9], fields[10], fields[11], fields[12])).containsExactly(ENV, "v1", "b1", "-");
    }

    @Test
    void answersTheRouterGivesItselfAreLoggedToo() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        HttpConnection.getOnce(router.port(), "nowhere.example.com", "/a\"b", "X-Request-Id: no-route");
        try (HttpConnection client = HttpConnection.open(router.port())) {
            client.sendRaw("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
            assertThat(client.read(false).status()).isEqualTo(400);
        }
        try (HttpConnection client = HttpConnection.open(router.port())) {
            client.sendRaw("POST / HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
            assertThat(client.read(false).status()).isEqualTo(400);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(accessLog)
                && Files.readAllLines(accessLog).size() >= 3);
        List<String> lines = Files.readAllLines(accessLog);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains(" no-route 127.0.0.1 \"GET /a\\\"b\" nowhere.example.com 404 0 0.000 - - - "
                + "no_route");
        assertThat(lines.get(1)).as("a head it could not read: method and target unknown")
                .contains(" 127.0.0.1 \"- -\" - 400 0 0.000 - - - bad_request");
        assertThat(lines.get(2)).as("a body it could not read: the route's request")
                .contains(" \"POST /\" " + HOST + " 400 0 ").endsWith(" " + ENV + " v1 b1 bad_request");
        assertThat(router.groupStats().get(GroupStats.key(ENV, "v1")).failures()).as("counted as the route's")
                .containsEntry("bad_request", 1L);
    }

    @Test
    void bytesOfTheTargetOutsidePrintableAsciiAreLoggedAsHex() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue)))));
        try (HttpConnection client = HttpConnection.open(router.port())) {
            // é as its two UTF-8 bytes, then a Latin-1 byte, sent raw
            client.sendRaw("GET /caf\u00c3\u00a9\u00ff HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            assertThat(client.read(false).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(accessLog)
                && !Files.readAllLines(accessLog).isEmpty());
        assertThat(Files.readAllLines(accessLog).get(0)).contains(" \"GET /caf\\xC3\\xA9\\xFF\" " + HOST + " 200 ");
    }
}
