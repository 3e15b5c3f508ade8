package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.web;
import static dev.cutover.agent.testing.Specs.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.agent.testing.Harness;
import dev.cutover.agent.testing.Specs;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")
class AdoptionTest {

    @TempDir
    Path dataDir;

    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(dataDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aRestartedAgentAdoptsTheRunningProcessInsteadOfRestartingIt() {
        h.apply(web("web-1", h.app));
        InstanceReport before = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        h.restartAgent();

        InstanceReport adopted = h.find("web-1").orElseThrow();
        assertThat(adopted.pid()).isEqualTo(before.pid());
        assertThat(adopted.port()).isEqualTo(before.port());
        assertThat(adopted.phase()).isEqualTo(InstancePhase.HEALTHY);
        assertThat(adopted.reason()).isEqualTo("adopted: pid " + before.pid() + " after an agent restart");
        assertThat(Harness.alive(before.pid())).isTrue();

        h.apply(web("web-1", h.app));
        InstanceReport after = h.await("web-1", r -> r.probes().size() >= 3);
        assertThat(after.phase()).isEqualTo(InstancePhase.HEALTHY);
        assertThat(after.pid()).isEqualTo(before.pid());
        assertThat(after.restarts()).isZero();
        assertThat(after.probes()).last().asString().contains("pass: 200 from GET /health");
        assertThat(after.reason()).as("the probes confirmed it").startsWith("healthy: ")
                .contains(" passed since adopted: 200 from GET /health");
    }

    @Test
    void anAdoptedProcessIsLeftAloneUntilTheFirstApplyThenStoppedIfNotDesired() {
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        InstanceReport before = h.awaitPhase("w-1", InstancePhase.RUNNING);

        h.restartAgent();
        await().during(Duration.ofMillis(600)).atMost(Harness.PATIENCE)
                .until(() -> h.find("w-1").orElseThrow().phase() == InstancePhase.RUNNING);
        assertThat(Harness.alive(before.pid())).isTrue();

        h.apply(worker("w-2", h.app, "exec sleep 1000"));

        h.awaitPhase("w-1", InstancePhase.STOPPED);
        assertThat(Harness.alive(before.pid())).isFalse();
        h.awaitPhase("w-2", InstancePhase.RUNNING);
    }

    @Test
    void anAdoptedProcessThatExitsIsRestarted() {
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        InstanceReport before = h.awaitPhase("w-1", InstancePhase.RUNNING);
        h.restartAgent();
        h.apply(worker("w-1", h.app, "exec sleep 1000"));

        ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();

        InstanceReport after = h.await("w-1", r -> r.phase() == InstancePhase.RUNNING && r.restarts() == 1);
        assertThat(after.pid()).isNotEqualTo(before.pid());
    }

    @Test
    void aProcessThatExitedWhileNoAgentRanIsStartedAgainWithTheRestartCounted() {
        h.apply(web("web-1", h.app));
        InstanceReport before = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        h.restartAgent(() -> {
            ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();
            await().atMost(Harness.PATIENCE).until(() -> !Harness.alive(before.pid()));
        });

        InstanceReport found = h.find("web-1").orElseThrow();
        assertThat(found.phase()).as("an exit, as the controller must see it").isEqualTo(InstancePhase.BACKOFF);
        assertThat(found.reason()).startsWith("exited while no agent was running (pid " + before.pid() + " was gone");
        h.apply(web("web-1", h.app));
        InstanceReport after = h.await("web-1", r -> r.phase() == InstancePhase.HEALTHY);
        assertThat(after.pid()).isNotEqualTo(before.pid());
        assertThat(after.restarts()).isEqualTo(1);
    }

    @Test
    void aProcessThatWasStoppingWhenTheAgentWentAndIsGoneIsReportedStoppedNotLost() {
        h.apply(web("web-1", h.app));
        InstanceReport before = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        h.restartAgent(() -> {
            // the agent had sent its stop signal and saved that, and the app went before the next agent came
            editRecord("web-1", r -> r.put("phase", "STOPPING"));
            ProcessHandle.of(before.pid()).orElseThrow().destroy();
            await().atMost(Harness.PATIENCE).until(() -> !Harness.alive(before.pid()));
        });

        InstanceReport found = h.find("web-1").orElseThrow();
        assertThat(found.phase()).isEqualTo(InstancePhase.STOPPED);
        assertThat(found.reason()).isEqualTo("stopped while no agent was running: its stop signal had been sent (pid "
                + before.pid() + " was gone when the agent started)");
    }

    @Test
    void aStopSequenceUnderWayWhenTheAgentWentGoesOnWhereItWasInsteadOfStartingAgain() throws Exception {
        // ignores INT, exits on TERM; each signal it gets is written down (outside its working directory, which goes
        // once it has stopped)
        Path signals = dataDir.resolve("signals-of-w-1");
        InstanceSpec spec = Specs.withStop(worker("w-1", h.app, "trap 'echo INT >> " + signals + "' INT; "
                + "trap 'echo TERM >> " + signals + "; exit 0' TERM; while :; do sleep 0.05; done"),
                List.of("INT", "TERM"), Duration.ofSeconds(4));
        h.apply(spec);
        InstanceReport before = h.awaitPhase("w-1", InstancePhase.RUNNING);
        h.apply();
        await().atMost(Harness.PATIENCE).until(() -> Files.exists(signals) && Files.readString(signals).equals("INT\n"));

        h.restartAgent();
        h.apply();

        InstanceReport after = h.awaitPhase("w-1", InstancePhase.STOPPED);
        assertThat(Files.readString(signals)).as("INT once, then TERM: not the sequence again").isEqualTo("INT\nTERM\n");
        assertThat(after.reason()).startsWith("stopped by TERM after ").contains("it outlived INT (4s each");
        assertThat(Harness.alive(before.pid())).isFalse();
    }

    @Test
    void aProcessWhosePidWasNeverSavedIsFoundInItsWorkingDirectoryAndAdoptedNotStartedTwice() throws Exception {
        h.apply(web("web-1", h.app));
        InstanceReport before = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        // As an agent killed right after the fork leaves it: the record on disk, the pid not yet.
        h.restartAgent(() -> editRecord("web-1", r -> r.put("pid", 0).put("startTime", 0).put("phase", "STARTING")));

        InstanceReport adopted = h.find("web-1").orElseThrow();
        assertThat(adopted.pid()).isEqualTo(before.pid());
        assertThat(adopted.port()).isEqualTo(before.port());
        h.apply(web("web-1", h.app));
        InstanceReport after = h.await("web-1", r -> r.phase() == InstancePhase.HEALTHY && r.probes().size() >= 3);
        assertThat(after.pid()).isEqualTo(before.pid());
        assertThat(after.restarts()).isZero();
        assertThat(leadersIn(h.workingDirectory("web-1"))).containsExactly(before.pid());
    }

    @Test
    void aProcessInAnInstanceDirectoryThatNoInstanceRunsIsKilledWithItsGroup() throws Exception {
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        InstanceReport kept = h.awaitPhase("w-1", InstancePhase.RUNNING);
        Path strayDir = Files.createDirectories(dataDir.resolve("instances/gone-1/sub"));
        Process stray = new ProcessBuilder("setsid", "sh", "-c", "sleep 1000 & exec sleep 1000")
                .directory(strayDir.toFile()).start();
        await().atMost(Harness.PATIENCE).until(() -> pgrp(stray.pid()) == stray.pid());
        // A second leader in w-1's own directory, next to the one its record names.
        Process twin = new ProcessBuilder("setsid", "sleep", "1000").directory(h.workingDirectory("w-1").toFile())
                .start();
        await().atMost(Harness.PATIENCE).until(() -> pgrp(twin.pid()) == twin.pid());

        h.restartAgent();

        assertThat(stray.waitFor(10, TimeUnit.SECONDS)).as("the stray is killed").isTrue();
        assertThat(twin.waitFor(10, TimeUnit.SECONDS)).as("the twin is killed").isTrue();
        await().atMost(Harness.PATIENCE).until(() -> leadersIn(strayDir).isEmpty() && groupMembers(stray.pid()) == 0);
        assertThat(h.find("w-1").orElseThrow().pid()).isEqualTo(kept.pid());
        assertThat(Harness.alive(kept.pid())).isTrue();
    }

    @Test
    void whatIsLeftOfAGroupWhoseLeaderDiedWhileNoAgentRanIsKilledNotLeftBesideTheNewProcess() throws Exception {
        // the app runs as the child of a shell, as `sh -c` runs anything but a simple command; the shell dies while
        // no agent runs (killed, or by a stop signal the app ignores), the app lives on in the shell's group
        Path childPid = dataDir.resolve("child-of-w-1");
        h.apply(worker("w-1", h.app, "sleep 1000 & echo $! > " + childPid + "; wait"));
        InstanceReport before = h.awaitPhase("w-1", InstancePhase.RUNNING);
        await().atMost(Harness.PATIENCE).until(() -> Files.exists(childPid) && !Files.readString(childPid).isBlank());
        long child = Long.parseLong(Files.readString(childPid).trim());
        assertThat(pgrp(child)).isEqualTo(before.pid());

        h.restartAgent(() -> {
            try {
                new ProcessBuilder("kill", "-KILL", String.valueOf(before.pid())).start().waitFor();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            await().atMost(Harness.PATIENCE).until(() -> !Harness.alive(before.pid()));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> !Harness.alive(child));
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        InstanceReport after = h.awaitPhase("w-1", InstancePhase.RUNNING);
        assertThat(after.pid()).isNotEqualTo(before.pid());
        assertThat(groupMembers(before.pid())).isZero();
    }

    @Test
    void anInstanceIsOnDiskWithItsPortBeforeItsProcessStarts() throws Exception {
        // The process copies state.json as its first act: what an agent killed at that moment would leave.
        InstanceSpec spec = Specs.withCommand(web("web-1", h.app), "cp ../../state.json seen.json; exec python3 server.py");
        h.apply(spec);
        InstanceReport r = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        JsonNode seen = Json.mapper().readTree(h.workingDirectory("web-1").resolve("seen.json").toFile());
        JsonNode record = seen.get("instances").get(0);
        assertThat(record.get("id").asText()).isEqualTo("web-1");
        assertThat(record.get("port").asInt()).isEqualTo(r.port()).isPositive();
    }

    @Test
    void aRecordedPidThatNowBelongsToAnotherProcessIsNeverSignalled() throws Exception {
        // A stranger that leads its own group, like an instance would: only its start time tells it apart.
        Process stranger = new ProcessBuilder("setsid", "sleep", "1000").directory(dataDir.toFile()).start();
        await().atMost(Harness.PATIENCE).until(() -> pgrp(stranger.pid()) == stranger.pid());
        long realStartTime = startTime(stranger.pid());

        h.restartAgent(() -> writeState(stranger.pid(), realStartTime + 1));

        InstanceReport ghost = h.find("ghost").orElseThrow();
        assertThat(ghost.pid()).isZero();
        assertThat(ghost.phase()).isEqualTo(InstancePhase.BACKOFF);
        assertThat(ghost.reason()).startsWith("exited while no agent was running (pid " + stranger.pid() + " was gone "
                + "or another process when the agent started), starting again in ");

        long rev = h.apply();
        await().atMost(Harness.PATIENCE).until(() -> h.agent().report().appliedRevision() == rev);
        await().during(Duration.ofSeconds(1)).atMost(Harness.PATIENCE).until(stranger::isAlive);
        stranger.destroyForcibly().waitFor();
    }

    private void editRecord(String id, java.util.function.Consumer<ObjectNode> edit) {
        ObjectMapper json = Json.mapper();
        try {
            ObjectNode doc = (ObjectNode) json.readTree(dataDir.resolve("state.json").toFile());
            for (JsonNode r : doc.get("instances")) {
                if (r.get("id").asText().equals(id)) {
                    edit.accept((ObjectNode) r);
                }
            }
            Files.write(dataDir.resolve("state.json"), json.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pids of the live process group leaders working in {@code dir} or below it. */
    private static List<Long> leadersIn(Path dir) throws IOException {
        Path wanted = dir.toAbsolutePath().normalize();
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                try {
                    if (Files.readSymbolicLink(p.resolve("cwd")).startsWith(wanted) && pgrp(pid) == pid
                            && Harness.alive(pid)) {
                        out.add(pid);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return out;
    }

    /** How many live processes are in process group {@code pgid}. */
    private static long groupMembers(long pgid) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(pid -> {
                        try {
                            return pgrp(pid) == pgid && Harness.alive(pid);
                        } catch (IOException e) {
                            return false;
                        }
                    }).count();
        }
    }

    private void writeState(long pid, long startTime) {
        ObjectMapper json = Json.mapper();
        ObjectNode record = json.createObjectNode()
                .put("id", "ghost")
                .put("pid", pid)
                .put("startTime", startTime)
                .put("port", 0)
                .put("logFile", dataDir.resolve("logs/ghost.log").toString())
                .put("restarts", 0)
                .put("phase", "RUNNING");
        record.set("spec", json.valueToTree(worker("ghost", h.app, "exec sleep 1000")));
        ObjectNode doc = json.createObjectNode().put("version", 1);
        doc.putArray("instances").add(record);
        try {
            Files.write(dataDir.resolve("state.json"), json.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] stat(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.substring(s.lastIndexOf(')') + 2).split(" ");
    }

    private static long pgrp(long pid) throws IOException {
        return Long.parseLong(stat(pid)[2]);
    }

    private static long startTime(long pid) throws IOException {
        return Long.parseLong(stat(pid)[19]);
    }
}
