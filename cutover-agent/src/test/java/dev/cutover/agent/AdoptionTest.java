package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.web;
import static dev.cutover.agent.testing.Specs.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.agent.testing.Harness;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        assertThat(Harness.alive(before.pid())).isTrue();

        h.apply(web("web-1", h.app));
        InstanceReport after = h.await("web-1", r -> r.probes().size() >= 3);
        assertThat(after.phase()).isEqualTo(InstancePhase.HEALTHY);
        assertThat(after.pid()).isEqualTo(before.pid());
        assertThat(after.restarts()).isZero();
        assertThat(after.probes()).last().asString().contains("pass: 200 from GET /health");
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
    void aRecordedPidThatNowBelongsToAnotherProcessIsNeverSignalled() throws Exception {
        // A stranger that leads its own group, like an instance would: only its start time tells it apart.
        Process stranger = new ProcessBuilder("setsid", "sleep", "1000").directory(dataDir.toFile()).start();
        await().atMost(Harness.PATIENCE).until(() -> pgrp(stranger.pid()) == stranger.pid());
        long realStartTime = startTime(stranger.pid());

        h.restartAgent(() -> writeState(stranger.pid(), realStartTime + 1));

        InstanceReport ghost = h.find("ghost").orElseThrow();
        assertThat(ghost.pid()).isZero();
        assertThat(ghost.phase()).isEqualTo(InstancePhase.STOPPED);
        assertThat(ghost.reason()).contains("lost: pid " + stranger.pid());

        long rev = h.apply();
        await().atMost(Harness.PATIENCE).until(() -> h.agent().report().appliedRevision() == rev);
        await().during(Duration.ofSeconds(1)).atMost(Harness.PATIENCE).until(stranger::isAlive);
        stranger.destroyForcibly().waitFor();
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
