package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.model.routing.RoutingTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 100 switches of an environment between two targets through the table API, each as the engine makes it (add the
 * new target, acknowledged; mark the old one draining, acknowledged; drop it), while {@code wrk} loads the router:
 * with keep-alive connections, and with a new connection per request. wrk must see no error and no non-2xx response.
 */
class RouterSwitchUnderWrkTest {

    private static final int SWITCHES = 100;

    private Router router;
    private TestBackend blue;
    private TestBackend green;

    @BeforeEach
    void start() throws Exception {
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keep-alive", "new connection per request"})
    void oneHundredSwitchesUnderWrkFailNoRequest(String mode) throws Exception {
        long version = 1;
        Target current = target("blue-0", blue, TargetState.ACTIVE);
        router.apply(table(version, group("r0", current)));

        List<String> command = new ArrayList<>(List.of(wrk(), "-t2", "-c16", "-d8s"));
        if (mode.startsWith("new")) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add("http://127.0.0.1:" + router.port() + "/");
        Process load = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread.sleep(500); // let wrk connect before the first switch

        for (int release = 1; release <= SWITCHES; release++) {
            TestBackend backend = release % 2 == 0 ? blue : green;
            Target fresh = target(backend.name + "-" + release, backend, TargetState.ACTIVE);
            Target stopping = new Target(current.instance(), current.host(), current.port(), TargetState.DRAINING);
            router.apply(table(++version, group("r" + (release - 1), current), group("r" + release, fresh)));
            Thread.sleep(10);
            router.apply(table(++version, group("r" + (release - 1), stopping), group("r" + release, fresh)));
            Thread.sleep(10);
            router.apply(table(++version, group("r" + release, fresh)));
            Thread.sleep(10);
            current = fresh;
        }

        assertThat(load.waitFor(60, TimeUnit.SECONDS)).as("wrk ends by itself").isTrue();
        String report = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(load.exitValue()).as(report).isZero();
        assertThat(report).as("wrk's report").contains("requests in").doesNotContain("Non-2xx", "Socket errors");
        assertThat(blue.requests.get()).as(report).isPositive();
        assertThat(green.requests.get()).as(report).isPositive();
        report.lines().filter(l -> l.contains("requests in") || l.startsWith("Requests/sec"))
                .forEach(l -> System.out.println("wrk, " + mode + ", " + SWITCHES + " switches: " + l.trim()));
    }

    private static String wrk() throws IOException {
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "wrk"))) {
                return dir + "/wrk";
            }
        }
        throw new IOException("wrk is not installed: bin/test installs it (apt-get install wrk)");
    }

    private static Target target(String instance, TestBackend backend, TargetState state) {
        return new Target(instance, "127.0.0.1", backend.port(), state);
    }

    private static TargetGroup group(String name, Target target) {
        return new TargetGroup(name, 1, List.of(target));
    }

    /** The environment at its host and at 127.0.0.1, which is what wrk sends as Host. */
    private static RoutingTable table(long version, TargetGroup... groups) {
        return new RoutingTable(version, List.of(new Route(ENV, List.of(HOST, "127.0.0.1"), "/", List.of(groups))));
    }
}
