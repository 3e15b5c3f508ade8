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

        Load load = Load.start(router.port());
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
        load.stop();

        assertThat(load.failures).isEmpty();
        assertThat(load.ok.get()).isPositive();
        String last = current.instance();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(router.targetStats()).containsOnlyKeys(last));
    }

    /**
     * What a routes file edited by hand does: the group's one target replaced by another in a single table. A
     * request that read the table before and picked the target being removed must find the new one.
     */
    @Test
    void replacingARoutesOnlyTargetInOneTableUnderLoadFailsNoRequest() throws Exception {
        long version = 1;
        router.apply(table(version, route(group("g", target("blue", blue, TargetState.ACTIVE)))));

        Load load = Load.start(router.port());
        for (int i = 1; i <= 200; i++) {
            TestBackend backend = i % 2 == 0 ? blue : green;
            router.apply(table(++version, route(group("g", target(backend.name, backend, TargetState.ACTIVE)))));
            pause();
        }
        load.stop();

        assertThat(load.failures).isEmpty();
        assertThat(load.ok.get()).isPositive();
    }

    /** Four keep-alive clients and two that open a connection per request, until stopped. */
    private record Load(AtomicBoolean running, AtomicInteger ok, ConcurrentLinkedQueue<String> failures,
            List<Thread> clients) {

        static Load start(int port) {
            Load load = new Load(new AtomicBoolean(true), new AtomicInteger(), new ConcurrentLinkedQueue<>(),
                    new ArrayList<>());
            for (int i = 0; i < 4; i++) {
                load.clients.add(Thread.ofPlatform().name("keep-alive-" + i).start(() -> {
                    while (load.running.get()) {
                        try (HttpConnection connection = HttpConnection.open(port)) {
                            // Until the router says it closes: a response from a draining target does.
                            HttpConnection.Response response;
                            do {
                                response = connection.get(HOST, "/");
                                record(response, load.ok, load.failures);
                            } while (load.running.get() && !response.closes());
                        } catch (Exception e) {
                            load.failures.add(e.toString());
                        }
                    }
                }));
            }
            for (int i = 0; i < 2; i++) {
                load.clients.add(Thread.ofPlatform().name("new-connection-" + i).start(() -> {
                    while (load.running.get()) {
                        try {
                            record(HttpConnection.getOnce(port, HOST, "/"), load.ok, load.failures);
                        } catch (Exception e) {
                            load.failures.add(e.toString());
                        }
                    }
                }));
            }
            return load;
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread client : clients) {
                client.join(Duration.ofSeconds(30));
            }
        }
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
