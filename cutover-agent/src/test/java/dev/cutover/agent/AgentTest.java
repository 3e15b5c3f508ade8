package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.web;
import static dev.cutover.agent.testing.Specs.withCommand;
import static dev.cutover.agent.testing.Specs.withHealth;
import static dev.cutover.agent.testing.Specs.withStop;
import static dev.cutover.agent.testing.Specs.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cutover.agent.supervisor.Supervisor;
import dev.cutover.agent.testing.Harness;
import dev.cutover.agent.testing.Specs;
import dev.cutover.agent.testing.TestArchives;
import dev.cutover.model.agent.DesiredState;
import dev.cutover.model.agent.HostFacts;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")
class AgentTest {

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
    void startedInstanceGetsPortMetadataAndACleanEnvironment() throws IOException {
        h.apply(withCommand(web("web-1", h.app), "env; echo END-ENV; exec python3 server.py"));

        InstanceReport r = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        Map<String, String> env = new HashMap<>();
        for (String line : h.log("web-1").split("\n")) {
            if (line.equals("END-ENV")) {
                break;
            }
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertThat(r.port()).isPositive();
        assertThat(env).containsEntry("PORT", Integer.toString(r.port()))
                .containsEntry("CUTOVER_APP", "shop")
                .containsEntry("CUTOVER_ENV", "production")
                .containsEntry("CUTOVER_RELEASE", "v3")
                .containsEntry("CUTOVER_VERSION", "1.4.2")
                .containsEntry("CUTOVER_INSTANCE", "web-1")
                .containsEntry("FOO", "bar")
                .containsEntry("HOME", h.workingDirectory("web-1").toString())
                .containsEntry("PATH", System.getenv("PATH"));
        // Only what the agent put there, plus what /bin/sh itself sets.
        assertThat(env.keySet()).allMatch(k -> k.startsWith("CUTOVER_")
                || Set.of("PATH", "LANG", "HOME", "FOO", "PORT", "PWD", "OLDPWD", "SHLVL", "_").contains(k), "allowed");
        assertThat(r.reason()).startsWith("healthy: 2 probes passed: 200 from GET /health");
        assertThat(r.startedAt()).isNotNull();
        assertThat(h.agent().report().appliedRevision()).isEqualTo(1);
        assertThat(h.agent().report().address()).isEqualTo("127.0.0.1");
    }

    @Test
    void theProcessLeadsItsOwnGroupUnderTheJdkPid() throws IOException {
        h.apply(worker("w-1", h.app, "exec sleep 1000"));

        InstanceReport r = h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && i.pid() > 0);

        String stat = Files.readString(Path.of("/proc/" + r.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(Long.parseLong(f[2])).as("pgrp").isEqualTo(r.pid());
        assertThat(Long.parseLong(f[3])).as("session").isEqualTo(r.pid());
    }

    @Test
    void hostFactsAddUpWhatEachInstancesProcessGroupUses() {
        // a child that holds 64 MiB resident, under a shell that waits for it
        h.apply(worker("w-1", h.app, "python3 -c 'import time; b = bytearray(64 << 20); b[::4096] = b\"x\" * 16384; "
                + "print(\"held\", flush=True); time.sleep(1000)' & wait"),
                worker("w-2", h.app, "exec sleep 1000"));
        h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && h.log("w-1").contains("held"));
        h.await("w-2", i -> i.phase() == InstancePhase.RUNNING && i.pid() > 0);

        HostFacts facts = h.agent().facts();

        assertThat(facts.host()).isEqualTo(h.agent().config().host());
        assertThat(facts.cpus()).isPositive();
        assertThat(facts.load()).hasSize(3).allMatch(l -> l >= 0);
        assertThat(facts.memoryTotal()).isGreaterThanOrEqualTo(facts.memoryAvailable());
        assertThat(facts.memoryAvailable()).isPositive();
        assertThat(facts.diskTotal()).isGreaterThanOrEqualTo(facts.diskFree());
        assertThat(facts.diskFree()).isPositive();
        Map<String, HostFacts.InstanceUsage> usage = new HashMap<>();
        facts.instances().forEach(u -> usage.put(u.id(), u));
        assertThat(usage).containsOnlyKeys("w-1", "w-2");
        assertThat(usage.get("w-1").processes()).isEqualTo(2);
        assertThat(usage.get("w-1").memory()).isGreaterThan(64L << 20);
        assertThat(usage.get("w-2").processes()).isEqualTo(1);
        assertThat(usage.get("w-2").memory()).isPositive().isLessThan(64L << 20);

        h.apply();
        h.awaitPhase("w-1", InstancePhase.STOPPED);
        h.awaitPhase("w-2", InstancePhase.STOPPED);
        assertThat(h.agent().facts().instances()).isEmpty();
    }

    @Test
    void stopSignalsReachTheWholeProcessGroup() {
        h.apply(worker("w-1", h.app, "sleep 1000 & echo child $!; exec sleep 1001"));
        InstanceReport r = h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && h.log("w-1").contains("child"));
        long child = childPid(h.log("w-1"));
        assertThat(Harness.alive(r.pid())).isTrue();
        assertThat(Harness.alive(child)).isTrue();

        h.apply();

        InstanceReport stopped = h.awaitPhase("w-1", InstancePhase.STOPPED);
        assertThat(Harness.alive(r.pid())).isFalse();
        assertThat(Harness.alive(child)).isFalse();
        assertThat(stopped.reason()).matches("stopped by (INT|TERM) after \\d+\\.\\ds");
    }

    @Test
    void anIgnoredIntIsFollowedByKillAfterTheTimeout() {
        h.apply(withStop(worker("w-1", h.app, "trap '' INT; echo ready; while true; do sleep 0.1; done"),
                List.of("INT"), Duration.ofSeconds(1)));
        InstanceReport r = h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && h.log("w-1").contains("ready"));

        h.apply();

        // The first STOPPING report may come before the signal went out; the one after says what was sent.
        InstanceReport stopping = h.await("w-1", i -> i.phase() == InstancePhase.STOPPING
                && i.reason().startsWith("stopping: sent"));
        assertThat(stopping.reason()).isEqualTo("stopping: sent INT, waiting up to 1s");
        InstanceReport stopped = h.awaitPhase("w-1", InstancePhase.STOPPED);
        assertThat(Harness.alive(r.pid())).isFalse();
        assertThat(stopped.reason()).as("says it took KILL, who ignored INT, and what to change")
                .matches("stopped by KILL after \\d+\\.\\ds: it outlived INT \\(1s each\\): pid \\d+ \\(.*trap '' INT.*\\) "
                        + "ignores? INT; handle INT in the app, or put TERM first in stop-signals \\(if a shell started "
                        + "it in the background with &, it started with INT and QUIT ignored: start the app in the "
                        + "foreground, with exec\\)");
    }

    @Test
    void anAppAShellRunsInTheBackgroundIgnoresIntAndTheStopSaysSo() {
        // `app & wait`: the shell starts the app with INT ignored, and dies of the INT itself
        h.apply(withStop(worker("w-1", h.app, "sleep 1000 & echo ready; wait"), List.of("INT"), Duration.ofSeconds(1)));
        h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && h.log("w-1").contains("ready"));

        h.apply();

        InstanceReport stopped = h.awaitPhase("w-1", InstancePhase.STOPPED);
        assertThat(stopped.reason()).matches("stopped by KILL after \\d+\\.\\ds: it outlived INT \\(1s each\\): "
                + "pid \\d+ \\(sleep 1000\\) ignores INT; .*start the app in the foreground, with exec\\)");
    }

    @Test
    void aCommandThatStartsTheAppInItsGroupAndReturnsIsToldSo() {
        h.apply(worker("w-1", h.app, "sleep 1000 &"));

        InstanceReport r = h.await("w-1", i -> i.reason().contains("and left pid"));

        assertThat(r.reason()).matches("(crash looping: \\d exits within 1m; )?exited: code 0, and left pid \\d+ "
                + "\\(sleep 1000\\) running in the background \\(stopped now; the command must keep the app in the "
                + "foreground, not start it and return\\), restarting in \\d+\\.\\ds");
        Matcher m = Pattern.compile("and left pid (\\d+)").matcher(r.reason());
        assertThat(m.find()).isTrue();
        long left = Long.parseLong(m.group(1));
        await().atMost(Harness.PATIENCE).until(() -> !Harness.alive(left));
        h.apply();
    }

    @Test
    void stopFollowsTheSignalSequenceInOrder() {
        Set<String> reasons = ConcurrentHashMap.newKeySet();
        h.apply(withStop(worker("w-1", h.app,
                        "trap 'echo got TERM' TERM; trap 'echo got INT' INT; echo ready; while true; do sleep 0.1; done"),
                List.of("TERM", "INT", "KILL"), Duration.ofSeconds(1)));
        InstanceReport r = h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && h.log("w-1").contains("ready"));

        h.apply();

        h.await("w-1", i -> {
            reasons.add(i.reason());
            return i.phase() == InstancePhase.STOPPED;
        });
        String log = h.log("w-1");
        assertThat(log).containsSubsequence("got TERM", "got INT");
        assertThat(reasons).anyMatch(reason -> reason.matches("stopped by KILL after \\d+\\.\\ds: it outlived TERM, INT .*"));
        assertThat(reasons).contains("stopping: sent TERM, waiting up to 1s", "stopping: sent INT, waiting up to 1s");
        assertThat(Harness.alive(r.pid())).isFalse();
    }

    @Test
    void anAppWhoseShellDiesOnTermFirstStillGetsOneTermAndTheWholeStopTimeout() {
        // the command's shell keeps the app as a child (a command follows it) and dies at once on TERM; the app, in
        // the same process group, takes 6 s to shut down: longer than a stray's grace, shorter than the stop timeout
        h.apply(withStop(worker("w-1", h.app, "sh -c 'trap \"echo got TERM; sleep 6; echo finished; exit 0\" TERM; "
                + "echo ready; while true; do sleep 0.1; done'; echo after"), List.of("TERM", "KILL"),
                Duration.ofSeconds(20)));
        InstanceReport r = h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && h.log("w-1").contains("ready"));

        h.apply();

        InstanceReport stopped = h.awaitPhase("w-1", InstancePhase.STOPPED);
        assertThat(stopped.reason()).matches("stopped by TERM after ([6-9]|1\\d)\\.\\ds");
        assertThat(h.log("w-1")).containsOnlyOnce("got TERM").contains("finished").doesNotContain("after");
        assertThat(Harness.alive(r.pid())).isFalse();
    }

    @Test
    void aKilledInstanceIsRestartedOnTheSamePort() {
        h.apply(web("web-1", h.app));
        InstanceReport first = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();

        InstanceReport again = h.await("web-1", i -> i.phase() == InstancePhase.HEALTHY && i.restarts() == 1);
        assertThat(again.pid()).isNotEqualTo(first.pid());
        assertThat(again.port()).isEqualTo(first.port());
        assertThat(h.log("web-1")).contains("listening on " + first.port());
    }

    @Test
    void aCommandThatExitsAtOnceBacksOffThenCrashLoops() {
        Set<String> reasons = ConcurrentHashMap.newKeySet();
        h.apply(worker("w-1", h.app, "echo boom; exit 1"));

        InstanceReport r = h.await("w-1", i -> {
            reasons.add(i.phase() + " " + i.reason());
            return i.phase() == InstancePhase.CRASH_LOOPING;
        });

        assertThat(reasons).anyMatch(s -> s.matches("BACKOFF exited: code 1, restarting in \\d+\\.\\ds"));
        assertThat(r.reason()).matches("crash looping: \\d+ exits within 1m; exited: code 1, restarting in \\d+\\.\\ds");
        assertThat(r.pid()).isZero();
        assertThat(r.restarts()).isGreaterThanOrEqualTo(2);
        assertThat(h.log("w-1")).contains("boom\nboom\nboom\n");
    }

    @Test
    void aKillBySignalIsReportedAsSuch() {
        Set<String> reasons = ConcurrentHashMap.newKeySet();
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        InstanceReport r = h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && i.pid() > 0);

        ProcessHandle.of(r.pid()).orElseThrow().destroyForcibly();

        h.await("w-1", i -> {
            reasons.add(i.phase() + " " + i.reason());
            return i.phase() == InstancePhase.RUNNING && i.restarts() == 1;
        });
        assertThat(reasons).anyMatch(s -> s.startsWith("BACKOFF killed by signal 9, restarting in "));
    }

    @Test
    void aRefusedProbeSaysWhatTheAppListensOnInstead() {
        String handler = "import http.server, os, socket; H = http.server.BaseHTTPRequestHandler; ";
        // one ignores PORT and takes a port of its own; the other listens on PORT, but on IPv6's loopback only
        h.apply(withCommand(web("own-port", h.app), "exec python3 -c '" + handler
                        + "http.server.HTTPServer((\"0.0.0.0\", 0), H).serve_forever()'"),
                withCommand(web("v6-only", h.app), "exec python3 -c '" + handler
                        + "V6 = type(\"V6\", (http.server.HTTPServer,), {\"address_family\": socket.AF_INET6}); "
                        + "V6((\"::1\", int(os.environ[\"PORT\"])), H).serve_forever()'"));

        InstanceReport own = h.await("own-port", i -> i.reason().contains("(it listens on"));
        InstanceReport v6 = h.await("v6-only", i -> i.reason().contains("(it listens on"));

        assertThat(own.phase()).isEqualTo(InstancePhase.STARTING);
        assertThat(own.reason()).matches("starting: waiting for GET /health: connection refused to GET /health \\(it "
                + "listens on 0\\.0\\.0\\.0:\\d+, not on its PORT, " + own.port() + ": take the port to listen on "
                + "from the PORT variable\\)");
        assertThat(v6.reason()).endsWith("(it listens on [::1]:" + v6.port() + ", which 127.0.0.1 does not reach: "
                + "listen on 0.0.0.0 (or :: for IPv6 as well))");
    }

    @Test
    void anAppThatDaemonizesIsToldSoAndWhatItLeftRunningIsStopped() {
        // forks, lets the child take a session of its own, and returns: its stop signals would never reach the child
        h.apply(worker("w-1", h.app, "exec python3 -c 'import os, sys, time; os.fork() and sys.exit(0); "
                + "os.setsid(); print(\"daemon\", os.getpid(), flush=True); time.sleep(1000)'"));

        InstanceReport r = h.await("w-1", i -> i.reason().contains("and left pid"));

        assertThat(r.reason()).matches("(crash looping: \\d exits within 1m; )?exited: code 0, and left pid \\d+ "
                + "\\(\\S*python3 -c import os, sys, time; .*\\) running in the background \\(stopped now; the command "
                + "must keep the app in the foreground, not start it and return\\), restarting in \\d+\\.\\ds");
        Matcher m = Pattern.compile("and left pid (\\d+)").matcher(r.reason());
        assertThat(m.find()).isTrue();
        long daemon = Long.parseLong(m.group(1));
        await().atMost(Harness.PATIENCE).until(() -> !Harness.alive(daemon));
        h.apply();
    }

    @Test
    void aHelperStartedInASessionOfItsOwnIsStoppedWithItsInstance() {
        h.apply(worker("w-1", h.app, "exec python3 -c 'import os, time\nif os.fork() == 0:\n    os.setsid(); "
                + "print(\"helper\", os.getpid(), flush=True); time.sleep(1000)\nelse:\n    time.sleep(1000)'"));
        h.await("w-1", i -> i.phase() == InstancePhase.RUNNING && h.log("w-1").contains("helper"));
        Matcher m = Pattern.compile("helper (\\d+)").matcher(h.log("w-1"));
        assertThat(m.find()).isTrue();
        long helper = Long.parseLong(m.group(1));
        assertThat(Harness.alive(helper)).isTrue();

        h.apply();

        h.awaitPhase("w-1", InstancePhase.STOPPED);
        await().atMost(Harness.PATIENCE).until(() -> !Harness.alive(helper));
    }

    @Test
    void httpProbeTurnsUnhealthyOn503AndHealthyAgain() throws IOException {
        h.apply(web("web-1", h.app));
        InstanceReport healthy = h.awaitPhase("web-1", InstancePhase.HEALTHY);
        assertThat(healthy.probes()).last().asString()
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} pass: 200 from GET /health in \\d+ms");

        Files.createFile(h.workingDirectory("web-1").resolve("fail"));
        InstanceReport unhealthy = h.awaitPhase("web-1", InstancePhase.UNHEALTHY);
        assertThat(unhealthy.reason()).startsWith("unhealthy: 2 probes failed: 503 from GET /health");
        assertThat(unhealthy.probes()).hasSizeLessThanOrEqualTo(10).last().asString()
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} fail: 503 from GET /health in \\d+ms");

        Files.delete(h.workingDirectory("web-1").resolve("fail"));
        InstanceReport back = h.awaitPhase("web-1", InstancePhase.HEALTHY);
        assertThat(back.pid()).isEqualTo(healthy.pid());
        assertThat(back.restarts()).isZero();
    }

    @Test
    void anInstanceUnhealthyForRestartAfterIsRestartedWithItsStopSignalsAndCountedAsARestart() throws IOException {
        h.apply(withHealth(web("web-1", h.app), Specs.HTTP.withRestartAfter(Duration.ofSeconds(1))));
        InstanceReport healthy = h.awaitPhase("web-1", InstancePhase.HEALTHY);

        // the file stays until the restart was seen: each start goes unhealthy again, and back to the backoff
        Files.createFile(h.workingDirectory("web-1").resolve("fail"));
        InstanceReport restarted = h.await("web-1", r -> r.phase() == InstancePhase.BACKOFF
                || r.phase() == InstancePhase.CRASH_LOOPING);
        assertThat(restarted.reason()).matches("(crash looping: .*; )?restarted for health: unhealthy for 1s \\(\\d+ "
                + "probes failed: 503 from GET /health\\); stopped by INT after \\d+\\.\\ds, starting again in "
                + "\\d+\\.\\ds");
        Files.deleteIfExists(h.workingDirectory("web-1").resolve("fail"));

        InstanceReport back = h.await("web-1", r -> r.phase() == InstancePhase.HEALTHY && r.restarts() >= 1);
        assertThat(back.pid()).isNotEqualTo(healthy.pid());
    }

    @Test
    void aRestartThatDoesNotBecomeHealthyWithinRestartAfterIsRestartedAgain() throws IOException {
        h.apply(withHealth(web("web-1", h.app), Specs.HTTP.withRestartAfter(Duration.ofSeconds(2))));
        h.awaitPhase("web-1", InstancePhase.HEALTHY);
        Files.createFile(h.workingDirectory("web-1").resolve("fail"));

        InstanceReport again = h.await("web-1", r -> r.reason().contains("restarted for health: not healthy 2s after "
                + "its restart"));
        assertThat(again.reason()).contains("not healthy 2s after its restart (waiting for GET /health: 503 from GET "
                + "/health)");
        assertThat(again.restarts()).isGreaterThanOrEqualTo(1);
        Files.delete(h.workingDirectory("web-1").resolve("fail"));
        h.await("web-1", r -> r.phase() == InstancePhase.HEALTHY && r.restarts() >= 2);
    }

    @Test
    void withoutRestartAfterAnUnhealthyInstanceKeepsRunning() throws Exception {
        h.apply(web("web-1", h.app));
        InstanceReport healthy = h.awaitPhase("web-1", InstancePhase.HEALTHY);
        Files.createFile(h.workingDirectory("web-1").resolve("fail"));
        h.awaitPhase("web-1", InstancePhase.UNHEALTHY);
        Thread.sleep(2000);
        InstanceReport still = h.find("web-1").orElseThrow();
        assertThat(still.phase()).isEqualTo(InstancePhase.UNHEALTHY);
        assertThat(still.pid()).isEqualTo(healthy.pid());
        assertThat(still.restarts()).isZero();
    }

    @Test
    void tcpProbePassesOnceThePortAcceptsAndWaitsWhileItRefuses() {
        h.apply(withHealth(web("web-1", h.app), Specs.TCP),
                withHealth(withCommand(web("web-2", h.app), "exec sleep 1000"), Specs.TCP));

        InstanceReport up = h.awaitPhase("web-1", InstancePhase.HEALTHY);
        assertThat(up.probes()).last().asString().contains("pass: connected by TCP connect in ");

        InstanceReport waiting = h.await("web-2", i -> i.probes().size() >= 2);
        assertThat(waiting.phase()).isEqualTo(InstancePhase.STARTING);
        assertThat(waiting.reason()).isEqualTo("starting: waiting for TCP connect: connection refused to TCP connect "
                + "(no process of the instance listens on a TCP port yet; it should listen on PORT, " + waiting.port()
                + ")");
        assertThat(waiting.probes()).last().asString().endsWith("fail: connection refused to TCP connect");
        assertThat(waiting.port()).isNotEqualTo(up.port());
    }

    @Test
    void aBuildWhoseDigestDoesNotMatchFailsTheInstance() {
        String claimed = "0".repeat(64);
        byte[] bundle = Specs.appBundle();
        h.builds.addUnder(claimed, bundle);

        h.apply(worker("w-1", claimed, "exec sleep 1000"));

        InstanceReport r = h.awaitPhase("w-1", InstancePhase.FAILED);
        assertThat(r.reason()).contains("sha256 mismatch: expected " + claimed + ", got " + TestArchives.sha256(bundle));
        assertThat(dataDir.resolve("builds").resolve(claimed + ".tar.gz")).doesNotExist();
        assertThat(r.restarts()).isZero();
    }

    @Test
    void readLogReturnsTheOutputInLineAlignedChunks() throws IOException {
        h.apply(worker("w-1", h.app, "for i in 1 2 3 4 5; do echo line $i; done; echo error 1>&2; exec sleep 1000"));
        h.await("w-1", i -> h.log("w-1").contains("error"));

        LogChunk all = h.agent().readLog("w-1", 0, 1000);
        assertThat(new LogChunk(all.text(), all.next(), all.ended())).isEqualTo(new LogChunk(
                "line 1\nline 2\nline 3\nline 4\nline 5\nerror\n", 41, false));
        assertThat(all.times()).as("a time for each line").hasSize(6);
        LogChunk first = h.agent().readLog("w-1", 0, 10);
        assertThat(first.text()).isEqualTo("line 1\n");
        assertThat(h.agent().readLog("w-1", first.next(), 14).text()).isEqualTo("line 2\nline 3\n");
        assertThat(h.agent().readLog("w-1", -10, 1000).text()).isEqualTo("error\n");

        h.apply();
        h.awaitPhase("w-1", InstancePhase.STOPPED);
        LogChunk last = h.agent().readLog("w-1", 35, 1000);
        assertThat(new LogChunk(last.text(), last.next(), last.ended())).isEqualTo(new LogChunk("error\n", 41, true));
    }

    @Test
    void aRemovedInstanceLosesItsDirectoryAtOnceIsReportedStoppedForAWhileThenDroppedAtTheNextRevision() {
        h.apply(worker("w-1", h.app, "exec sleep 1000"), worker("w-2", h.app, "exec sleep 1000"));
        h.awaitPhase("w-1", InstancePhase.RUNNING);
        h.awaitPhase("w-2", InstancePhase.RUNNING);

        h.apply(worker("w-2", h.app, "exec sleep 1000"));
        h.awaitPhase("w-1", InstancePhase.STOPPED);
        long stoppedAt = System.nanoTime();
        long soon = h.apply(worker("w-2", h.app, "exec sleep 1000"));
        await().atMost(Harness.PATIENCE).until(() -> h.agent().report().appliedRevision() == soon);
        assertThat(h.find("w-1")).as("still reported, with how it ended, right after it stopped").get()
                .extracting(InstanceReport::reason).asString().startsWith("stopped by ");
        await().atMost(Harness.PATIENCE).untilAsserted(() -> assertThat(h.workingDirectory("w-1"))
                .as("its working directory goes at once, not at the next revision").doesNotExist());
        assertThat(h.workingDirectory("w-2")).isDirectory();

        await().atMost(Harness.PATIENCE)
                .until(() -> System.nanoTime() - stoppedAt > Supervisor.REPORTED_AFTER_STOP.toNanos());
        long later = h.apply(worker("w-2", h.app, "exec sleep 1000"));
        await().atMost(Harness.PATIENCE).until(() -> h.agent().report().appliedRevision() == later);
        assertThat(h.find("w-1")).isEmpty();
        assertThat(h.find("w-2")).get().extracting(InstanceReport::phase).isEqualTo(InstancePhase.RUNNING);

        // wanted again under the same id, it starts in a fresh working directory
        h.apply(worker("w-1", h.app, "exec sleep 1000"), worker("w-2", h.app, "exec sleep 1000"));
        h.awaitPhase("w-1", InstancePhase.RUNNING);
        assertThat(h.workingDirectory("w-1")).isDirectory();
    }

    @Test
    void oldRevisionsAndBadSpecsAreRejected() {
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        await().atMost(Harness.PATIENCE).until(() -> h.agent().report().appliedRevision() == 2);

        h.agent().apply(new DesiredState(1, List.of()));
        assertThat(h.agent().report().appliedRevision()).isEqualTo(2);
        assertThat(h.find("w-1")).isPresent();

        assertThatThrownBy(() -> h.agent().apply(new DesiredState(9, List.of(worker("../x", h.app, "true")))))
                .hasMessageStartingWith("instances[0].id: ../x (expected:");
        assertThatThrownBy(() -> h.agent().apply(new DesiredState(9, List.of(
                        withStop(worker("w-9", h.app, "true"), List.of("BOOM"), Duration.ofSeconds(1))))))
                .hasMessageStartingWith("instances[0].stopSignals: BOOM (expected:");
    }

    @Test
    void manyInstancesOfOneBuildFetchItOnce() {
        h.apply(worker("w-1", h.app, "exec sleep 1000"), worker("w-2", h.app, "exec sleep 1000"),
                worker("w-3", h.app, "./bin/run.sh"));
        h.awaitPhase("w-1", InstancePhase.RUNNING);
        h.awaitPhase("w-2", InstancePhase.RUNNING);
        h.await("w-3", i -> h.log("w-3").contains("run.sh ran"));

        assertThat(h.builds.opens.get()).isEqualTo(1);
    }

    static long childPid(String log) {
        Matcher m = Pattern.compile("child (\\d+)").matcher(log);
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

}
