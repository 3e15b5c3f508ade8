package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.agent.process.ProcFs;
import dev.cutover.agent.testing.Harness;
import dev.cutover.model.agent.RunReport;
import dev.cutover.model.agent.RunSpec;
import dev.cutover.model.agent.RunState;
import dev.cutover.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-off runs (release commands) with real processes: once, to completion, across agent restarts. */
@Tag("e2e")
class RunTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path outside;

    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(dataDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** Appends a line to {@code runs.txt} outside the data directory, so a test can count how often it ran. */
    private String marks(String what) {
        return "echo " + what + " >> " + outside.resolve("runs.txt");
    }

    private List<String> marked() throws IOException {
        Path f = outside.resolve("runs.txt");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    /** Waits for the file {@code name} in the test's directory to appear, checking every 50 ms. */
    private String gate(String name) {
        return "while [ ! -f " + outside.resolve(name) + " ]; do sleep 0.05; done";
    }

    private void open(String name) throws IOException {
        Files.writeString(outside.resolve(name), "");
    }

    @Test
    void aRunExecutesOnceInAFreshWorkingDirectoryWithTheReleaseEnvironmentAndReportsItsExitCodeAndOutput()
            throws Exception {
        RunSpec spec = run("d7-release", h.app, marks("ran") + "; echo \"cwd=$(pwd)\"; ls; "
                + "echo \"$CUTOVER_APP $CUTOVER_ENV $CUTOVER_RELEASE $CUTOVER_VERSION $CUTOVER_INSTANCE FOO=$FOO "
                + "PORT=${PORT-none}\"; echo oops >&2; exit 3");
        h.applyRuns(spec);

        RunReport end = h.awaitRunState("d7-release", RunState.EXITED);

        assertThat(end.exitCode()).isEqualTo(3);
        assertThat(end.reason()).isEqualTo("exited: code 3");
        assertThat(end.startedAt()).isNotNull();
        assertThat(end.endedAt()).isAfterOrEqualTo(end.startedAt());
        assertThat(end.pid()).isZero();
        String output = h.agent().readLog("d7-release", 0, 1 << 16).text();
        assertThat(output)
                .contains("cwd=" + dataDir.resolve("runs/d7-release/work").toRealPath())
                .contains("server.py")
                .contains("shop production v3 1.4.2 d7-release FOO=bar PORT=none")
                .contains("oops");
        assertThat(h.agent().readLog("d7-release", 0, 1 << 16).ended()).isTrue();

        // listed again and again: it is never started a second time
        h.applyRuns(spec);
        h.applyRuns(spec);
        await().during(Duration.ofSeconds(1)).atMost(Harness.PATIENCE)
                .until(() -> h.findRun("d7-release").orElseThrow().state() == RunState.EXITED);
        assertThat(marked()).containsExactly("ran");
    }

    @Test
    void aRunRemovedFromTheDesiredStateGetsTermIsKilledAndForgottenButItsLogStays() throws Exception {
        h.applyRuns(run("d8-release", h.app, "trap 'echo got TERM; exit 0' TERM; echo started; "
                + "while true; do sleep 0.05; done"));
        RunReport running = h.awaitRun("d8-release", r -> r.state() == RunState.RUNNING
                && h.log("d8-release").contains("started"));
        assertThat(h.agent().readLog("d8-release", 0, 1 << 16).ended()).as("still being written").isFalse();

        h.applyRuns();

        await().atMost(Harness.PATIENCE).until(() -> h.findRun("d8-release").isEmpty());
        assertThat(ProcFs.groupAlive(running.pid())).as("nothing left of its process group").isFalse();
        assertThat(h.log("d8-release")).contains("got TERM");
        await().atMost(Harness.PATIENCE).until(() -> !Files.exists(dataDir.resolve("runs/d8-release")));
    }

    @Test
    void aRunSurvivesAnAgentRestartAndItsExitCodeIsStillLearnt() throws Exception {
        RunSpec spec = run("d9-release", h.app, marks("ran") + "; echo started; " + gate("go") + "; echo done; exit 7");
        h.applyRuns(spec);
        RunReport before = h.awaitRunState("d9-release", RunState.RUNNING);

        h.restartAgent();

        RunReport adopted = h.findRun("d9-release").orElseThrow();
        assertThat(adopted.state()).isEqualTo(RunState.RUNNING);
        assertThat(adopted.pid()).isEqualTo(before.pid());
        assertThat(adopted.reason()).startsWith("adopted: pid " + before.pid());
        h.applyRuns(spec);
        open("go");

        RunReport end = h.awaitRunState("d9-release", RunState.EXITED);
        assertThat(end.exitCode()).isEqualTo(7);
        assertThat(h.log("d9-release")).contains("started").contains("done");
        assertThat(marked()).containsExactly("ran");
    }

    @Test
    void aRunThatEndsWhileNoAgentRunsIsReportedWithItsExitCodeByTheNextAgent() throws Exception {
        RunSpec spec = run("d10-release", h.app, marks("ran") + "; " + gate("go") + "; exit 0");
        h.applyRuns(spec);
        RunReport before = h.awaitRunState("d10-release", RunState.RUNNING);

        java.time.Instant[] exitedBy = new java.time.Instant[1];
        h.restartAgent(unchecked(() -> {
            open("go");
            await().atMost(Harness.PATIENCE).until(() -> !Harness.alive(before.pid()));
            exitedBy[0] = java.time.Instant.now();
            Thread.sleep(1500); // the next agent starts well after the end
        }));

        RunReport found = h.findRun("d10-release").orElseThrow();
        assertThat(found.state()).isEqualTo(RunState.EXITED);
        assertThat(found.exitCode()).isZero();
        assertThat(found.endedAt()).as("when it ended, not when the next agent looked")
                .isBeforeOrEqualTo(exitedBy[0]).isAfterOrEqualTo(found.startedAt());
        h.applyRuns(spec);
        await().during(Duration.ofMillis(600)).atMost(Harness.PATIENCE)
                .until(() -> h.findRun("d10-release").orElseThrow().state() == RunState.EXITED);
        assertThat(marked()).containsExactly("ran");
    }

    @Test
    void aRunKilledWithItsWrapperLeavesNoExitCodeAndIsReportedLost() throws Exception {
        h.applyRuns(run("d11-release", h.app, gate("never")));
        RunReport running = h.awaitRunState("d11-release", RunState.RUNNING);

        killGroup(running.pid());

        RunReport lost = h.awaitRunState("d11-release", RunState.LOST);
        assertThat(lost.exitCode()).isNull();
        assertThat(lost.reason())
                .isEqualTo("lost: its process ended (killed by signal 9) and no exit code was written");
    }

    @Test
    void aRunWhoseProcessDiedWhileNoAgentRanAndLeftNoExitCodeIsLostForTheNextAgent() throws Exception {
        RunSpec spec = run("d12-release", h.app, marks("ran") + "; " + gate("never"));
        h.applyRuns(spec);
        RunReport running = h.awaitRunState("d12-release", RunState.RUNNING);

        h.restartAgent(unchecked(() -> {
            killGroup(running.pid());
            await().atMost(Harness.PATIENCE).until(() -> !ProcFs.groupAlive(running.pid()));
        }));

        RunReport lost = h.findRun("d12-release").orElseThrow();
        assertThat(lost.state()).isEqualTo(RunState.LOST);
        assertThat(lost.reason()).isEqualTo("lost: pid " + running.pid() + " was gone when the agent started and no "
                + "exit code was written");
        h.applyRuns(spec);
        await().during(Duration.ofMillis(600)).atMost(Harness.PATIENCE)
                .until(() -> h.findRun("d12-release").orElseThrow().state() == RunState.LOST);
        assertThat(marked()).as("never started again").containsExactly("ran");
    }

    @Test
    void aRunWhosePidWasNeverWrittenDownIsFoundByItsWorkingDirectory() throws Exception {
        RunSpec spec = run("d13-release", h.app, marks("ran") + "; " + gate("go") + "; exit 4");
        h.applyRuns(spec);
        RunReport running = h.awaitRunState("d13-release", RunState.RUNNING);

        // as if the agent had died between starting the process and recording its pid
        h.restartAgent(() -> editRecord(dataDir.resolve("runs/d13-release/run.json"), r -> r.put("pid", 0)
                .put("startTime", 0).put("state", "STARTING")));

        RunReport adopted = h.findRun("d13-release").orElseThrow();
        assertThat(adopted.state()).isEqualTo(RunState.RUNNING);
        assertThat(adopted.pid()).isEqualTo(running.pid());
        h.applyRuns(spec);
        open("go");
        assertThat(h.awaitRunState("d13-release", RunState.EXITED).exitCode()).isEqualTo(4);
        assertThat(marked()).containsExactly("ran");
    }

    @Test
    void aRunWhoseBuildIsMissingCannotStart() {
        h.applyRuns(run("d14-release", "0".repeat(64), "true"));

        RunReport failed = h.awaitRunState("d14-release", RunState.FAILED);

        assertThat(failed.reason()).contains("cannot fetch");
        assertThat(failed.exitCode()).isNull();
    }

    /** SIGKILL to the whole process group: the command and the wrapper that would write its exit code. */
    private static void killGroup(long pgid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).start().waitFor();
    }

    interface Step {
        void run() throws Exception;
    }

    private static Runnable unchecked(Step step) {
        return () -> {
            try {
                step.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static void editRecord(Path file, java.util.function.Consumer<ObjectNode> edit) {
        try {
            ObjectNode record = (ObjectNode) Json.mapper().readTree(file.toFile());
            edit.accept(record);
            Files.write(file, Json.mapper().writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
