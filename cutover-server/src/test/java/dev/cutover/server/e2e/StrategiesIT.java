package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.EventView;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.api.StoppedInstanceView;
import dev.cutover.model.api.TrafficShare;
import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every strategy, end to end, under load from keep-alive clients and clients that open a connection per request. */
class StrategiesIT {

    @TempDir
    static Path tmp;
    static RunningServer server;
    static Path app;

    /** With no watch at the end of a deployment: not what these tests are about (FailuresIT tests it). */
    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(tmp);
        app = RunningServer.example(tmp, "hello", "app");
        RunningServer.writeManifest(app, RunningServer.TWO_HELLOS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "rolling                       | batch=1,surge=false",
        "rolling-with-additional-batch | batch=1",
        "immutable                     | ",
        "blue-green                    | keep-old=0s",
        "canary                        | percent=20,interval=3s",
        "linear                        | percent=50,interval=2s",
        "canary-10-5m                  | interval=3s",
    })
    void completesUnderLoadWithoutAFailedRequest(String strategy, String settings) throws Exception {
        String name = "s-" + strategy.replaceAll("[^a-z0-9]", "");
        assertThat(server.cli("deploy", app.toString(), "--to", name, "--version", "v1", "--wait").exit()).isZero();
        List<String> v1 = server.status(name).instances().stream().map(InstanceView::id).toList();
        List<String> args = new ArrayList<>(List.of("deploy", app.toString(), "--to", name, "--version", "v2",
                "--strategy", strategy, "--wait"));
        if (settings != null) {
            for (String s : settings.split(",")) {
                args.add("--set");
                args.add(s);
            }
        }
        LoadClient keepAlive = server.load(name, LoadClient.Mode.KEEP_ALIVE, 3).start();
        LoadClient perRequest = server.load(name, LoadClient.Mode.NEW_CONNECTION, 2).start();
        Thread.sleep(1000);
        var deploy = server.cli(args.toArray(String[]::new));
        Thread.sleep(1000);
        keepAlive.stop();
        perRequest.stop();
        LoadResult a = keepAlive.await();
        LoadResult b = perRequest.await();

        assertThat(deploy.exit()).as(deploy.all()).isZero();
        assertThat(deploy.out()).contains("strategy " + strategy.replace("-10-5m", ""));
        assertThat(a.failed()).as(a.summary()).isZero();
        assertThat(b.failed()).as(b.summary()).isZero();
        assertThat(a.headerCounts()).containsKeys("v1", "v2");
        assertThat(a.lastHeaderValues()).containsOnly("v2");
        EnvStatus status = server.status(name);
        assertThat(status.serving().number()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).instances())
                .extracting(InstanceView::release).containsOnly(2));
        // the app handles INT, the first stop signal: each old instance is shown stopped by it, not killed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).stopped())
                .extracting(StoppedInstanceView::id).containsExactlyInAnyOrderElementsOf(v1));
        assertThat(server.status(name).stopped()).allSatisfy(i -> assertThat(i.ended())
                .matches("stopped by INT after \\d+\\.\\ds"));
        if (strategy.equals("rolling")) {
            // one at a time: the first old instance has stopped long before the second new one is healthy
            assertThat(server.status(name).deployment().events()).extracting(EventView::message)
                    .anyMatch(m -> m.matches("(" + String.join("|", v1) + "): stopped by INT after \\d+\\.\\ds"));
        }
    }

    @Test
    void scaleAddsAndRemovesInstancesUnderLoadWithoutRestartingTheOthersAndLaterReleasesKeepTheCount()
            throws Exception {
        String name = "s-scale";
        assertThat(server.cli("deploy", app.toString(), "--to", name, "--version", "v1", "--wait").exit()).isZero();
        Map<String, Long> before = pids(server.status(name));
        assertThat(server.cli("scale", name).out()).isEqualTo(name + "/production runs web=2\n");

        LoadClient keepAlive = server.load(name, LoadClient.Mode.KEEP_ALIVE, 3).start();
        LoadClient perRequest = server.load(name, LoadClient.Mode.NEW_CONNECTION, 2).start();
        Thread.sleep(500);
        var up = server.cli("scale", name, "web=4", "--wait");
        assertThat(up.exit()).as(up.all()).isZero();
        assertThat(up.out()).contains("scaling " + name + "/production: web 2 → 4\n",
                "scale v1 (v1) to " + name + "/production, strategy rolling");
        EnvStatus four = server.status(name);
        assertThat(four.instances()).hasSize(4).allMatch(i -> i.release() == 1 && i.routing().equals("active"));
        assertThat(pids(four)).as("the two that ran go on running").containsAllEntriesOf(before);

        var down = server.cli("scale", name, "web=1", "--wait");
        assertThat(down.exit()).as(down.all()).isZero();
        assertThat(down.out()).contains("web 4 → 1", "draining ");
        Thread.sleep(500);
        RunningServer.expectNoFailedRequest(keepAlive, perRequest);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).instances())
                .hasSize(1));
        assertThat(server.cli("scale", name, "web=1").out()).contains("already runs web=1 (the manifest says 2); "
                + "nothing to do");

        // the next release runs the environment's count, not its manifest's, and its deployment says so
        var v2 = server.cli("deploy", app.toString(), "--to", name, "--version", "v2", "--wait");
        assertThat(v2.exit()).as(v2.all()).isZero();
        assertThat(v2.out()).contains("instances as set by cutover scale, not as v2's manifest says: web 1 (manifest 2)");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).instances())
                .singleElement().satisfies(i -> assertThat(i.release()).isEqualTo(2)));

        var zero = server.cli("scale", name, "web=0", "--wait");
        assertThat(zero.exit()).as(zero.all()).isZero();
        assertThat(zero.out()).contains("answers 503 until it is scaled up again", "v2 runs web 0",
                "v2 (v2) is " + name + "/production's release, with no web instance: ",
                " answers 503 until it is scaled up (cutover scale " + name + "/production web=N)")
                .doesNotContain("is serving");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).instances())
                .isEmpty());
        assertThat(server.get(name, "/").status()).isEqualTo(503);

        var unknown = server.cli("scale", name, "db=2");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("processes.db: no such process type in v2 (expected one of: web)");
        var negative = server.cli("scale", name, "web=-1");
        assertThat(negative.exit()).isEqualTo(2);
        assertThat(negative.err()).contains("processes.web: -1 (expected: a whole number from 0 to 1000)");
        var malformed = server.cli("scale", name, "web=two");
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("web: 'two' (expected: a whole number of instances");
        var nothing = server.cli("scale", "nowhere", "web=2");
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("no environment nowhere/production");
    }

    private static Map<String, Long> pids(EnvStatus s) {
        Map<String, Long> pids = new HashMap<>();
        s.instances().forEach(i -> pids.put(i.id(), i.pid()));
        return pids;
    }

    @Test
    void aCanaryIsPausedPromotedAndResumedAndEachCommandSaysWhatTheControllerDid() throws Exception {
        String name = "s-steer";
        assertThat(server.cli("deploy", app.toString(), "--to", name, "--version", "v1", "--wait").exit()).isZero();
        var deploy = server.cli("deploy", app.toString(), "--to", name, "--version", "v2", "--strategy", "canary",
                "--set", "percent=25", "--set", "interval=10m");
        assertThat(deploy.exit()).as(deploy.all()).isZero();
        var early = server.cli("promote", name);
        assertThat(early.exit()).as("nothing to promote while v2 starts: " + early.all()).isEqualTo(2);
        assertThat(early.err()).contains("nothing to promote yet");
        await().atMost(Duration.ofSeconds(60)).until(() -> server.status(name).deployment().step().startsWith("baking"));
        assertThat(server.status(name).traffic()).extracting(TrafficShare::release, TrafficShare::percent)
                .containsExactly(tuple(2, 25.0), tuple(1, 75.0));

        var pause = server.cli("pause", name);
        assertThat(pause.out()).as(pause.all()).contains("): paused\n", "now: paused on request (cutover resume)");
        assertThat(server.status(name).deployment().awaiting()).isEqualTo("resume");
        assertThat(server.cli("pause", name).out()).contains("was already paused");

        // paused, a promotion waits for the resume; a second one is refused, not kept to skip a later step
        var promote = server.cli("promote", name);
        assertThat(promote.exit()).as(promote.all()).isZero();
        assertThat(promote.out()).contains("takes effect when it is resumed");
        var twice = server.cli("promote", name);
        assertThat(twice.exit()).as(twice.all()).isEqualTo(2);
        assertThat(twice.err()).contains("is already promoted and the promotion takes effect when it is resumed");
        assertThat(server.status(name).traffic()).extracting(TrafficShare::percent).containsExactly(25.0, 75.0);

        var resume = server.cli("resume", name);
        assertThat(resume.out()).as(resume.all()).contains("): resumed\n").doesNotContain("now: paused");
        await().atMost(Duration.ofSeconds(60)).until(() -> server.status(name).deployment().finished());
        EnvStatus done = server.status(name);
        assertThat(done.deployment().phase()).isEqualTo("succeeded");
        assertThat(done.deployment().events()).extracting(EventView::message).containsSubsequence("resumed",
                "promoted");
        assertThat(done.traffic()).extracting(TrafficShare::release, TrafficShare::percent)
                .containsExactly(tuple(2, 100.0));
        assertThat(server.cli("resume", name).err()).contains("no deployment of " + name + "/production is in progress");
    }

    @Test
    void aCanaryAnsweringTwentyPercentErrorsIsRolledBackByAnalysisAndOnlyItsRequestsFailed() throws Exception {
        String name = "s-badcanary";
        Path bad = RunningServer.example(tmp, "hello", "bad-canary");
        RunningServer.writeManifest(bad, RunningServer.TWO_HELLOS.replace("exec ", "ERROR_RATE=0.2 exec "));
        assertThat(server.cli("deploy", app.toString(), "--to", name, "--version", "v1", "--wait").exit()).isZero();
        LoadClient keepAlive = server.load(name, LoadClient.Mode.KEEP_ALIVE, 3).start();
        LoadClient perRequest = server.load(name, LoadClient.Mode.NEW_CONNECTION, 2).start();
        Thread.sleep(1000);
        var deploy = server.cli("deploy", bad.toString(), "--to", name, "--version", "v2", "--strategy", "canary",
                "--set", "percent=20", "--set", "interval=2m", "--set", "analysis.max-error-rate=5%",
                "--set", "analysis.min-requests=100", "--wait");
        // without an analysis, the default guard: more than 5 points above the stable group's rate fails
        var guarded = server.cli("deploy", bad.toString(), "--to", name, "--version", "v3", "--strategy", "canary",
                "--set", "percent=20", "--set", "interval=2m", "--wait");
        Thread.sleep(1000);
        keepAlive.stop();
        perRequest.stop();
        LoadResult a = keepAlive.await();
        LoadResult b = perRequest.await();

        assertThat(deploy.exit()).as(deploy.all()).isEqualTo(1);
        assertThat(deploy.out()).contains("FAILED and was rolled back to v1: analysis").contains("5xx rate")
                .contains("is above the limit of 5.0%");
        assertThat(guarded.exit()).as(guarded.all()).isEqualTo(1);
        assertThat(guarded.out()).contains("analysing (the default; deploy.analysis chooses): 5xx rate at most 5%, "
                + "compared with the stable group").contains("FAILED and was rolled back to v1: analysis")
                .contains("is above the stable group's 0.0% by more than 5.0%");
        for (LoadResult r : List.of(a, b)) {
            // the only failures are the 500s the canary answered: no connection error, no other status
            assertThat(r.failuresByStatus().keySet()).as(r.summary()).containsOnly(500);
            assertThat(r.failures(LoadResult.FailureKind.STATUS)).isEqualTo(r.failed());
            assertThat(r.lastHeaderValues()).containsOnly("v1");
        }
        LoadResult after = server.load(name, LoadClient.Mode.NEW_CONNECTION, 2).maxRequests(100).run();
        assertThat(after.failed()).isZero();
        assertThat(after.headerCounts()).containsOnlyKeys("v1");
        assertThat(server.status(name).serving().number()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).instances())
                .extracting(InstanceView::release).containsOnly(1));
    }

    @Test
    void allAtOnceSaysItTakesTheEnvironmentDownAndTheLoadSeesIt() throws Exception {
        assertThat(server.cli("deploy", app.toString(), "--to", "s-allatonce", "--version", "v1", "--wait").exit())
                .isZero();
        LoadClient load = server.load("s-allatonce", LoadClient.Mode.NEW_CONNECTION, 2).start();
        Thread.sleep(1000);
        var deploy = server.cli("deploy", app.toString(), "--to", "s-allatonce", "--version", "v2",
                "--strategy", "all-at-once", "--wait");
        Thread.sleep(1000);
        load.stop();
        LoadResult r = load.await();

        assertThat(deploy.exit()).as(deploy.all()).isZero();
        assertThat(deploy.out()).contains("every instance stops before the new ones start: the environment answers "
                + "503 until they are healthy");
        assertThat(r.responsesWithStatus(503)).as(r.summary()).isPositive();
        assertThat(r.lastHeaderValues()).containsOnly("v2");
    }

    @Test
    void blueGreenShowsAPreviewWaitsForApprovalAndRollsBackInstantlyWhileTheOldSetIsWarm() throws Exception {
        String name = "s-bg-approval";
        assertThat(server.cli("deploy", app.toString(), "--to", name, "--version", "v1", "--wait").exit()).isZero();
        List<Long> v1Pids = server.pids(name, 1);
        var deploy = server.cli("deploy", app.toString(), "--to", name, "--version", "v2", "--strategy", "blue-green",
                "--set", "approval=true", "--set", "keep-old=5m");
        assertThat(deploy.exit()).as(deploy.all()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> "promote".equals(server.status(name).deployment().awaiting()));

        // the router splits nothing to v2 yet, and status says so
        assertThat(server.status(name).traffic()).extracting(TrafficShare::release, TrafficShare::percent,
                TrafficShare::targets).containsExactly(tuple(2, 0.0, 2), tuple(1, 100.0, 2));
        var waiting = server.cli("status", name);
        assertThat(waiting.out())
                .contains("traffic:     v2 0% (2 instances, candidate waiting for cutover promote), v1 100% (2 instances)")
                .contains("preview:     http://" + name + "-production-preview.localhost:")
                .containsPattern("d2-web-1 .* candidate ")
                .containsPattern("d1-web-1 .* active ");
        assertThat(server.status(name).previewRelease()).isEqualTo(2);

        var preview = RunningServer.get(server.controller.httpPort(), name + "-production-preview.localhost", "/");
        assertThat(preview.headers().get("X-App-Version")).isEqualTo("v2");
        assertThat(server.get(name, "/").headers().get("X-App-Version")).isEqualTo("v1");

        LoadClient load = server.load(name, LoadClient.Mode.KEEP_ALIVE, 3).start();
        LoadClient perRequest = server.load(name, LoadClient.Mode.NEW_CONNECTION, 2).start();
        var promote = server.cli("promote", name);
        assertThat(promote.exit()).as(promote.all()).isZero();
        assertThat(promote.out()).as("what the controller did, not the step before it").contains("): promoted\n")
                .doesNotContain("now: paused until cutover promote");
        await().atMost(Duration.ofSeconds(30)).until(() -> "keep-old".equals(server.status(name).deployment().awaiting()));
        assertThat(server.status(name).serving().number()).isEqualTo(2);
        assertThat(server.status(name).traffic()).extracting(TrafficShare::release, TrafficShare::percent)
                .containsExactly(tuple(2, 100.0), tuple(1, 0.0));
        var text = server.cli("status", name);
        assertThat(text.out()).contains("traffic:     v2 100% (2 instances), v1 0% (2 instances on standby)")
                .containsPattern("d1-web-1 .* standby ");
        Thread.sleep(1000);

        List<String> idsBefore = server.status(name).instances().stream().map(InstanceView::id).toList();
        long started = System.nanoTime();
        var rollback = server.cli("rollback", name);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() ->
                "v1".equals(server.get(name, "/").headers().get("X-App-Version")));
        long switchMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("blue-green rollback inside keep-old: v1 served again " + switchMillis
                + " ms after the rollback command started");
        await().atMost(Duration.ofSeconds(60)).until(() -> server.status(name).deployment().finished());
        load.stop();
        perRequest.stop();
        LoadResult a = load.await();
        LoadResult b = perRequest.await();

        assertThat(rollback.exit()).as(rollback.all()).isZero();
        assertThat(rollback.out()).contains("no process starts");
        assertThat(a.failed()).as(a.summary()).isZero();
        assertThat(b.failed()).as(b.summary()).isZero();
        EnvStatus after = server.status(name);
        assertThat(after.deployment().phase()).isEqualTo("rolled-back");
        assertThat(after.serving().number()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.status(name).instances())
                .extracting(InstanceView::release).containsOnly(1));
        assertThat(server.pids(name, 1)).as("the v1 processes served throughout, none was started")
                .containsExactlyInAnyOrderElementsOf(v1Pids);
        assertThat(idsBefore).containsAll(server.status(name).instances().stream().map(InstanceView::id).toList());
    }
}
