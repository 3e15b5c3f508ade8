package dev.cutover.router;

import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The product promise: a route switched between releases 100 times under load loses no request. */
class RouterSwitchTest {

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
    void switchingARouteBackAndForthUnderLoadFailsNoRequest() throws Exception {
        long version = 1;
        Target current = target("blue-0", blue, TargetState.ACTIVE);
        router.apply(table(version, route(group("r0", current))));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Thread.ofPlatform().name("keep-alive-" + i).start(() -> {
                while (running.get()) {
                    try (HttpConnection connection = HttpConnection.open(router.port())) {
                        // Until the router says it closes: a response from a draining target does.
                        HttpConnection.Response response;
                        do {
                            response = connection.get(HOST, "/");
                            record(response, ok, failures);
                        } while (running.get() && !response.closes());
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        for (int i = 0; i < 2; i++) {
            clients.add(Thread.ofPlatform().name("new-connection-" + i).start(() -> {
                while (running.get()) {
                    try {
                        record(HttpConnection.getOnce(router.port(), HOST, "/"), ok, failures);
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }

        for (int release = 1; release <= 100; release++) {
            TestBackend backend = release % 2 == 0 ? blue : green;
            Target fresh = target(backend.name + "-" + release, backend, TargetState.ACTIVE);
            Target stopping = withState(current, TargetState.DRAINING);
            router.apply(table(++version, route(group("r" + (release - 1), current), group("r" + release, fresh))));
            pause();
            router.apply(table(++version, route(group("r" + (release - 1), stopping), group("r" + release, fresh))));
            pause();
            router.apply(table(++version, route(group("r" + release, fresh))));
            pause();
            current = fresh;
        }
        running.set(false);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(30));
        }

        assertThat(failures).isEmpty();
        assertThat(ok.get()).isPositive();
        String last = current.instance();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(router.targetStats()).containsOnlyKeys(last));
    }

    private static void record(HttpConnection.Response response, AtomicInteger ok,
            ConcurrentLinkedQueue<String> failures) {
        if (response.status() == 200) {
            ok.incrementAndGet();
        } else {
            failures.add(response.status() + " " + response.text());
        }
    }

    /** Lets some requests through between table changes; pacing only, nothing is measured. */
    private static void pause() throws InterruptedException {
        Thread.sleep(5);
    }

    private static Target target(String instance, TestBackend backend, TargetState state) {
        return new Target(instance, "127.0.0.1", backend.port(), state);
    }

    private static Target withState(Target target, TargetState state) {
        return new Target(target.instance(), target.host(), target.port(), state);
    }

    private static TargetGroup group(String name, Target target) {
        return new TargetGroup(name, 1, List.of(target));
    }

    private static Route route(TargetGroup... groups) {
        return new Route(Tables.ENV, List.of(HOST), "/", List.of(groups));
    }
}
