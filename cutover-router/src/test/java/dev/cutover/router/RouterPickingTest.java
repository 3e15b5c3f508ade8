package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.route;
import static dev.cutover.router.Tables.shop;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterPickingTest {

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
    void weightsSplitTrafficBetweenGroups() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 90, active("b1", blue)), group("v2", 10, active("g1", green)))));

        int requests = 2000;
        try (HttpConnection client = HttpConnection.open(router.port())) {
            for (int i = 0; i < requests; i++) {
                assertThat(client.get(HOST, "/").status()).isEqualTo(200);
            }
        }

        // Expected 1800 / 200 with a standard deviation of about 13.4: five of them either side.
        assertThat(blue.requests.get()).isBetween(1733, 1867);
        assertThat(green.requests.get()).isEqualTo(requests - blue.requests.get());
    }

    @Test
    void aGroupWithWeightZeroGetsNothing() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 1, active("b1", blue)), group("v2", 0, active("g1", green)))));

        try (HttpConnection client = HttpConnection.open(router.port())) {
            for (int i = 0; i < 100; i++) {
                assertThat(client.get(HOST, "/").text()).isEqualTo("blue");
            }
        }
        assertThat(green.requests).hasValue(0);
    }

    @Test
    void aSlowTargetGetsFewerRequests() throws Exception {
        blue.behave(TestBackend.Behaviour.SLOW);
        router.apply(table(1, shop(active("b1", blue), active("g1", green))));

        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(clients.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20; i++) {
                        if (HttpConnection.getOnce(router.port(), HOST, "/").status() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> result : results) {
                ok += result.get();
            }
            assertThat(ok).isEqualTo(80);
        } finally {
            clients.shutdownNow();
        }
        // While blue holds a request, green has fewer outstanding and takes the next ones.
        assertThat(blue.requests.get() * 2).isLessThan(green.requests.get());
    }
}
