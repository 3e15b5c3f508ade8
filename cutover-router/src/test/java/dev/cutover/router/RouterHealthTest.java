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

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterHealthTest {

    private TestBackend blue;
    private TestBackend revived;
    private Router router;
    private int deadPort;

    @BeforeEach
    void start() throws Exception {
        blue = TestBackend.start("blue");
        deadPort = Tables.closedPort();
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        blue.close();
        if (revived != null) {
            revived.close();
        }
    }

    private Router startRouter(Duration backoff) throws InterruptedException {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withEjectionBackoff(backoff));
        return router;
    }

    private long deadFailures() {
        return router.targetStats().get("dead").failures();
    }

    @Test
    void aTargetThatRefusesConnectionsIsLeftOutAfterwards() throws Exception {
        startRouter(Duration.ofMinutes(5));
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue), activeAt("dead", deadPort)))));

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            // Every request is answered (the refusal is retried on blue) until one has picked the dead target.
            assertThat(HttpConnection.getOnce(router.port(), HOST, "/").status()).isEqualTo(200);
            return deadFailures() >= 1;
        });
        long failuresWhenEjected = deadFailures();
        for (int i = 0; i < 30; i++) {
            assertThat(HttpConnection.getOnce(router.port(), HOST, "/").text()).isEqualTo("blue");
        }

        assertThat(deadFailures()).as("connection attempts to the ejected target").isEqualTo(failuresWhenEjected);
    }

    @Test
    void anEjectedTargetComesBackOnceAProbeConnects() throws Exception {
        startRouter(Duration.ofMillis(100));
        router.apply(table(1, route(ENV, HOST, group("v1", 100, active("b1", blue), activeAt("dead", deadPort)))));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            HttpConnection.getOnce(router.port(), HOST, "/");
            return deadFailures() >= 1;
        });
        // long enough for the probes at 0.1, 0.3 and 0.7 s to fail: the ones after them must still run
        Thread.sleep(1_000);

        revived = TestBackend.startOn("revived", deadPort);

        await().atMost(Duration.ofSeconds(30)).until(
                () -> HttpConnection.getOnce(router.port(), HOST, "/").text().equals("revived"));
    }

    @Test
    void aGroupAtWeightZeroTakesOnlyWhatNoWeightedTargetCouldTake() throws Exception {
        startRouter(Duration.ofMinutes(5));
        revived = TestBackend.start("green");
        router.apply(table(1, route(ENV, HOST, group("v2", 100, active("g1", revived)), group("v1", 0, active("b1", blue)))));
        for (int i = 0; i < 20; i++) {
            assertThat(HttpConnection.getOnce(router.port(), HOST, "/").text()).isEqualTo("green");
        }

        // every process of the weighted group died at once (blue-green's new set, its old one still warm at 0%)
        router.apply(table(2, route(ENV, HOST, group("v2", 100, activeAt("g1", deadPort), activeAt("g2", deadPort)),
                group("v1", 0, active("b1", blue)))));
        for (int i = 0; i < 20; i++) {
            HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("blue");
        }
        assertThat(router.targetStats().get("g1").failures()).as("the weighted group is tried first").isPositive();
    }

    @Test
    void aGroupWhoseTargetsAreAllEjectedFailsOpen() throws Exception {
        startRouter(Duration.ofMinutes(5));
        router.apply(table(1, route(ENV, HOST, group("v1", 100, activeAt("dead", deadPort)))));
        assertThat(HttpConnection.getOnce(router.port(), HOST, "/").status()).isEqualTo(502);
        assertThat(deadFailures()).isEqualTo(1);

        // No probe will run for minutes: the target is still ejected, and still tried since it is all there is.
        revived = TestBackend.startOn("revived", deadPort);

        HttpConnection.Response response = HttpConnection.getOnce(router.port(), HOST, "/");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("revived");
    }
}
