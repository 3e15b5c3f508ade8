package dev.cutover.router;

import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.draining;
import static dev.cutover.router.Tables.shop;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterDrainingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private Router router;
    private TestBackend old;
    private TestBackend next;

    @BeforeEach
    void start() throws InterruptedException {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0));
        old = TestBackend.start("old");
        next = TestBackend.start("next");
    }

    @AfterEach
    void stop() {
        router.close();
        old.close();
        next.close();
    }

    @Test
    void aRequestInFlightToADrainingTargetCompletesAndNoNewOneReachesIt() throws Exception {
        router.apply(table(1, shop(active("old", old))));
        old.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        CompletableFuture<HttpConnection.Response> slow = CompletableFuture.supplyAsync(() -> get(), Thread::startVirtualThread);
        await().atMost(PATIENCE).until(() -> router.targetStats().get("old").inFlight() == 1);

        router.apply(table(2, shop(draining("old", old), active("next", next))));

        for (int i = 0; i < 20; i++) {
            assertThat(HttpConnection.getOnce(router.port(), HOST, "/").text()).isEqualTo("next");
        }
        assertThat(old.requests).hasValue(1);
        old.release.countDown();
        HttpConnection.Response response = slow.get();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("old");
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(router.targetStats().get("old").inFlight()).isZero();
            // The busy connection was closed after its response instead of going back to the pool.
            assertThat(router.targetStats().get("old").openConnections()).isZero();
            assertThat(old.openConnections()).isZero();
        });
    }

    @Test
    void aResponseFromADrainingTargetTellsItsClientToReconnectAndTheNextRequestGoesElsewhere() throws Exception {
        router.apply(table(1, shop(active("old", old))));
        old.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        HttpConnection busy = HttpConnection.open(router.port());
        CompletableFuture<HttpConnection.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return busy.get(HOST, "/");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
        await().atMost(PATIENCE).until(() -> router.targetStats().get("old").inFlight() == 1);

        router.apply(table(2, shop(draining("old", old), active("next", next))));
        old.release.countDown();

        HttpConnection.Response response = slow.get();
        assertThat(response.text()).isEqualTo("old");
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(busy.closedByPeer()).isTrue();
        busy.close();
        assertThat(HttpConnection.getOnce(router.port(), HOST, "/").text()).isEqualTo("next");
    }

    @Test
    void idleConnectionsToADrainingTargetAreClosed() throws Exception {
        router.apply(table(1, shop(active("old", old))));
        try (HttpConnection client = HttpConnection.open(router.port())) {
            assertThat(client.get(HOST, "/").text()).isEqualTo("old");
            assertThat(router.targetStats().get("old").openConnections()).isEqualTo(1);

            router.apply(table(2, shop(draining("old", old), active("next", next))));

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(old.openConnections()).isZero();
                assertThat(router.targetStats().get("old").openConnections()).isZero();
            });
            // The client's own connection to the router is unaffected.
            assertThat(client.get(HOST, "/").text()).isEqualTo("next");
        }
    }

    @Test
    void aRemovedTargetIsReportedUntilItsLastRequestEnds() throws Exception {
        router.apply(table(1, shop(active("old", old))));
        old.behave(TestBackend.Behaviour.WAIT_FOR_RELEASE);
        CompletableFuture<HttpConnection.Response> slow = CompletableFuture.supplyAsync(() -> get(), Thread::startVirtualThread);
        await().atMost(PATIENCE).until(() -> router.targetStats().get("old").inFlight() == 1);

        router.apply(table(2, shop(active("next", next))));

        assertThat(router.appliedVersion()).isEqualTo(2);
        assertThat(router.targetStats()).containsKeys("old", "next");
        assertThat(router.targetStats().get("old").inFlight()).isEqualTo(1);
        assertThat(HttpConnection.getOnce(router.port(), HOST, "/").text()).isEqualTo("next");

        old.release.countDown();
        assertThat(slow.get().status()).isEqualTo(200);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(router.targetStats()).doesNotContainKey("old"));
        assertThat(router.targetStats()).containsKey("next");
    }

    @Test
    void aTargetActiveAgainTakesRequestsAgain() throws Exception {
        router.apply(table(1, shop(draining("old", old), active("next", next))));
        router.apply(table(2, shop(active("old", old))));

        assertThat(HttpConnection.getOnce(router.port(), HOST, "/").text()).isEqualTo("old");
    }

    private HttpConnection.Response get() {
        try {
            return HttpConnection.getOnce(router.port(), HOST, "/");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
