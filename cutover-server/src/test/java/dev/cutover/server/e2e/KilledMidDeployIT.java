package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.EventView;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.json.Json;
import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The durability requirement end to end: for every strategy, {@code kill -9} of {@code cutover server} at the step
 * that matters for it, then a restart on the same data directory and ports. The deployment ends as it would have,
 * the instances running are exactly the goal release's, no app process of the other release is left, no instance
 * id is started twice, and a load client started after the restart sees no failed request to the end.
 *
 * <p>One server serves every case, each in its own environment, and is killed once per case: the environments of
 * the cases before are adopted again each time. The Python example app starts in a fraction of a second; the new
 * release starts a second late, so that "launched but not healthy yet" lasts long enough to be seen.
 */
class KilledMidDeployIT {

    private static final String MANIFEST = """
            processes:
              web: { command: "%s", instances: 2 }
            health: { path: /health, interval: 200ms, timeout: 1s, healthy-threshold: 2, unhealthy-threshold: 2 }
            deploy: { stop-timeout: 5s, %s }
            """;
    private static final String APP = "exec python3 app.py";
    private static final String LATE = "START_DELAY=1s exec python3 app.py";
    /** Every answer takes a second, so that a drain waits for requests in flight. */
    private static final String SLOW = "SLOW_MS=1000 exec python3 app.py";
    /** The second instance of the release never passes its health check. */
    private static final String SECOND_BAD =
            "case $CUTOVER_INSTANCE in *-web-2) export HEALTH_FAIL=1;; esac; exec python3 app.py";

    private static final Duration DEADLINE_OF_BAD = Duration.ofSeconds(5);

    @TempDir
    static Path tmp;
    static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Where in a deployment the server is killed. */
    enum KillPoint {
        OLD_DRAINING("while an old instance drains its requests in flight",
                s -> s.instances().stream().anyMatch(i -> i.release() == 1 && i.routing().equals("draining"))),
        NEW_STARTING_BESIDE_OLD("while the extra new instance starts beside every old one",
                s -> starting(s, 2) && !said(s, "stop signal")),
        NEW_STARTING_IN_PLACE("while a new instance starts in the place of a stopped old one",
                s -> starting(s, 2) && said(s, "stop signal")),
        ONE_CANDIDATE_HEALTHY("with one candidate healthy and the others starting",
                s -> starting(s, 2) && s.instances().stream().anyMatch(i -> i.release() == 2
                        && i.phase().equals("healthy"))),
        BAKING("while traffic is split and the candidate bakes",
                s -> s.deployment().step().startsWith("baking")),
        SECOND_SPLIT_BAKING("while the second traffic split bakes",
                s -> said(s, "68% of traffic on v2") && s.deployment().step().startsWith("baking")),
        PAUSED("during a timed pause of the steps", s -> said(s, "30% of traffic on v2")
                && s.deployment().step().startsWith("baking")),
        KEEPING_OLD("while the new set is watched with the old one kept warm after the switch",
                s -> s.deployment().step().startsWith("watching the new set with all traffic, the old one warm")),
        WATCHING("while the new release is watched after the last old instance has gone",
                s -> s.deployment().step().startsWith("watching the new release")),
        ROLLING_BACK("mid-rollback, while a v1 instance starts again in place of a replaced one",
                s -> s.deployment().phase().equals("rolling-back") && starting(s, 1));

        final String description;
        final Predicate<EnvStatus> reached;

        KillPoint(String description, Predicate<EnvStatus> reached) {
            this.description = description;
            this.reached = reached;
        }
    }

    /** One strategy, the releases it moves between, where it is killed, and how it must end. */
    enum Case {
        ROLLING("rolling", List.of(), SLOW, APP, KillPoint.OLD_DRAINING),
        ROLLING_WATCHED("rolling", List.of("watch=8s"), APP, APP, KillPoint.WATCHING),
        ROLLING_WITHOUT_SURGE("rolling", List.of("surge=false"), APP, LATE, KillPoint.NEW_STARTING_IN_PLACE),
        ROLLING_WITH_ADDITIONAL_BATCH("rolling-with-additional-batch", List.of("batch=1"), APP, LATE,
                KillPoint.NEW_STARTING_BESIDE_OLD),
        ALL_AT_ONCE("all-at-once", List.of(), APP, LATE, KillPoint.NEW_STARTING_IN_PLACE),
        IMMUTABLE("immutable", List.of(), APP, LATE, KillPoint.ONE_CANDIDATE_HEALTHY),
        BLUE_GREEN("blue-green", List.of("keep-old=3s", "watch=6s"), APP, APP, KillPoint.KEEPING_OLD),
        CANARY("canary", List.of("percent=25", "interval=2s"), APP, APP, KillPoint.BAKING),
        LINEAR("linear", List.of("percent=34", "interval=2s"), APP, APP, KillPoint.SECOND_SPLIT_BAKING),
        STEPS("steps", List.of(), APP, APP, KillPoint.PAUSED),
        /**
         * The second new instance never gets healthy; the server is killed while the rollback starts a v1 instance
         * again and stays down for longer than the step's deadline: nothing watched that instance meanwhile.
         */
        BAD_CANDIDATE_ROLLING_BACK("rolling", List.of(), LATE, SECOND_BAD, KillPoint.ROLLING_BACK);

        final String strategy;
        final List<String> settings;
        final String v1;
        final String v2;
        final KillPoint killPoint;

        Case(String strategy, List<String> settings, String v1, String v2, KillPoint killPoint) {
            this.strategy = strategy;
            this.settings = settings;
            this.v1 = v1;
            this.v2 = v2;
            this.killPoint = killPoint;
        }

        boolean rollsBack() {
            return this == BAD_CANDIDATE_ROLLING_BACK;
        }

        /** The {@code deploy:} keys of v2's manifest besides the stop timeout. */
        String v2Deploy() {
            return switch (this) {
                case STEPS -> "deadline: 30s, strategy: steps,"
                        + " steps: [{set-weight: 30}, {pause: 2s}, {set-weight: 60}, {pause: 1s}]";
                case BAD_CANDIDATE_ROLLING_BACK -> "deadline: " + DEADLINE_OF_BAD.toSeconds() + "s";
                default -> "deadline: 30s";
            };
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Case.class)
    void aServerKilledMidDeployEndsItAsItWouldHaveWithNothingOrphanedOrDuplicatedAndNoRequestFailed(Case c)
            throws Exception {
        long started = System.nanoTime();
        String name = "k-" + c.name().toLowerCase().replace('_', '-');
        Path v1 = app(name + "-v1", c.v1, "deadline: 30s, watch: 0s"); // what is judged comes after v1
        Path v2 = app(name + "-v2", c.v2, c.v2Deploy());
        var first = server.cli("deploy", v1.toString(), "--to", name, "--version", "v1", "--wait");
        assertThat(first.exit()).as(first.all()).isZero();
        List<String> v1Ids = status(name).instances().stream().map(InstanceView::id).toList();
        long v1Served = System.nanoTime();
        LoadClient beforeKill = c.killPoint == KillPoint.OLD_DRAINING
                ? load(name, LoadClient.Mode.KEEP_ALIVE, 4).start() : null;

        List<String> deploy = new ArrayList<>(List.of("deploy", v2.toString(), "--to", name, "--version", "v2",
                "--strategy", c.strategy));
        c.settings.forEach(s -> deploy.addAll(List.of("--set", s)));
        var second = server.cli(deploy.toArray(String[]::new));
        assertThat(second.exit()).as(second.all()).isZero();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> c.killPoint.reached.test(status(name)));
        long deployment = status(name).deployment().id();
        long killed = System.nanoTime();
        server.kill9();
        if (beforeKill != null) {
            beforeKill.stop(); // its requests in flight died with the router: the time the router was down
            beforeKill.await();
        }
        if (c.rollsBack()) {
            Thread.sleep(DEADLINE_OF_BAD.plusSeconds(1).toMillis());
        }
        long down = System.nanoTime();
        server.start();
        long restarted = System.nanoTime();

        // all-at-once takes the environment down until the new instances are healthy, by design: its load starts
        // once the deployment has finished
        boolean downtime = c == Case.ALL_AT_ONCE;
        LoadClient keepAlive = load(name, LoadClient.Mode.KEEP_ALIVE, 2).build();
        LoadClient perRequest = load(name, LoadClient.Mode.NEW_CONNECTION, 1).build();
        if (!downtime) {
            keepAlive.start();
            perRequest.start();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> status(name).deployment().finished());
        if (downtime) {
            keepAlive.start();
            perRequest.start();
        }
        EnvStatus end = status(name);
        long finished = System.nanoTime();
        int goal = c.rollsBack() ? 1 : 2;
        String version = "v" + goal;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(name).instances())
                .as("only the goal release's instances, all healthy and routed, after: " + events(end)).hasSize(2)
                .allMatch(i -> i.release() == goal && i.phase().equals("healthy") && i.routing().equals("active")));
        List<String> ids = status(name).instances().stream().map(InstanceView::id).toList();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(processesOf(name, v1Ids, deployment))
                .as("app processes by instance: the goal release's, one each, nothing else")
                .containsOnlyKeys(ids).allSatisfy((id, pids) -> assertThat(pids).hasSize(1)));
        Thread.sleep(500);
        keepAlive.stop();
        perRequest.stop();
        LoadResult a = keepAlive.await();
        LoadResult b = perRequest.await();

        assertThat(end.deployment().id()).as("the same deployment, resumed").isEqualTo(deployment);
        assertThat(end.deployment().phase()).as(events(end)).isEqualTo(c.rollsBack() ? "rolled-back" : "succeeded");
        assertThat(end.serving().number()).isEqualTo(goal);
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(launched(end)).as("every id launched once").doesNotHaveDuplicates();
        for (LoadResult r : List.of(a, b)) {
            assertThat(r.failed()).as(r.summary()).isZero();
            assertThat(r.succeeded()).isPositive();
            assertThat(r.lastHeaderValues()).containsOnly(version);
        }
        System.out.printf("%s: killed %s; %s after the restart; %d requests, 0 failed; %.1fs in all: v1 served "
                + "%.1fs, killed %.1fs later, restarted in %.1fs, finished %.1fs later%n", c, c.killPoint.description,
                end.deployment().phase(), a.succeeded() + b.succeeded(), seconds(started, System.nanoTime()),
                seconds(started, v1Served), seconds(v1Served, killed), seconds(down, restarted),
                seconds(restarted, finished));
    }

    /** {@code cutover apps delete} is a deployment too: killed mid-drain, the restarted server finishes it. */
    @org.junit.jupiter.api.Test
    void aServerKilledMidRemovalFinishesItAfterTheRestartAndLeavesNoProcessOfTheEnvironment() throws Exception {
        String name = "k-removal";
        Path v1 = app(name + "-v1", SLOW, "deadline: 30s, watch: 0s");
        var first = server.cli("deploy", v1.toString(), "--to", name, "--version", "v1", "--wait");
        assertThat(first.exit()).as(first.all()).isZero();
        List<String> ids = status(name).instances().stream().map(InstanceView::id).toList();
        LoadClient inFlight = load(name, LoadClient.Mode.KEEP_ALIVE, 4).start();
        Thread.sleep(300);

        var removing = server.cli("apps", "delete", name, "--yes");
        assertThat(removing.exit()).as(removing.all()).isZero();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> status(name)
                .instances().stream().anyMatch(i -> i.routing().equals("draining")));
        server.kill9();
        inFlight.stop(); // its requests in flight died with the router, and the environment is going anyway
        inFlight.await();
        server.start();

        var removed = server.cli("apps", "delete", name, "--yes", "--wait");
        assertThat(removed.exit()).as(removed.all()).isZero();
        assertThat(removed.out()).endsWith(name + "/production is removed\n");
        assertThat(server.cli("status", name).exit()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.appProcessesByInstance())
                .as("no process of the removed environment").doesNotContainKeys(ids.toArray(String[]::new)));
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    private static boolean starting(EnvStatus s, int release) {
        return s.instances().stream().anyMatch(i -> i.release() == release && !i.phase().equals("healthy")
                && !i.phase().equals("stopped") && i.routing().equals("none"));
    }

    private static boolean said(EnvStatus s, String words) {
        return s.deployment().events().stream().anyMatch(e -> e.message().contains(words));
    }

    private static String events(EnvStatus s) {
        return s.deployment().phase() + "; " + s.deployment().events().stream().map(EventView::message)
                .collect(Collectors.joining(" | "));
    }

    /** The ids in the deployment's "launched ..." events, in order. */
    private static List<String> launched(EnvStatus s) {
        List<String> ids = new ArrayList<>();
        for (EventView e : s.deployment().events()) {
            if (e.message().startsWith("launched ")) {
                String list = e.message().substring("launched ".length(), e.message().indexOf(" ("));
                ids.addAll(List.of(list.split(", ")));
            }
        }
        return ids;
    }

    /** The environment's app processes by instance: those of its first deployment and of the one killed. */
    private static Map<String, List<Long>> processesOf(String name, List<String> v1Ids, long deployment)
            throws Exception {
        String v1Prefix = v1Ids.get(0).substring(0, v1Ids.get(0).indexOf('-') + 1);
        return server.appProcessesByInstance().entrySet().stream()
                .filter(e -> e.getKey().startsWith(v1Prefix) || e.getKey().startsWith("d" + deployment + "-"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Path app(String dir, String command, String deadline) throws Exception {
        Path app = RunningServer.example(tmp, "hello-python", dir);
        RunningServer.writeManifest(app, MANIFEST.formatted(command, deadline));
        return app;
    }

    private static LoadClient.Builder load(String name, LoadClient.Mode mode, int workers) {
        return LoadClient.to("127.0.0.1", server.httpPort).hostHeader(RunningServer.host(name)).path("/").mode(mode)
                .workers(workers).countHeader("X-App-Version").deadline(Duration.ofMinutes(3))
                .readTimeout(Duration.ofSeconds(30));
    }

    private static EnvStatus status(String name) throws Exception {
        var r = server.cli("status", name, "--output", "json");
        if (r.exit() != 0) {
            throw new AssertionError("status failed: " + r.all());
        }
        return Json.mapper().readValue(r.out(), EnvStatus.class);
    }
}
