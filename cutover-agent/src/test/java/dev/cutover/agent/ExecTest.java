package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.agent.testing.Harness;
import dev.cutover.model.agent.ExecChunk;
import dev.cutover.model.agent.ExecRequest;
import dev.cutover.model.agent.ExecStarted;
import dev.cutover.model.agent.InstancePhase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")
class ExecTest {

    @TempDir
    Path dataDir;

    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(dataDir);
        h.apply(worker("w-1", h.app, "exec sleep 1000"));
        h.awaitPhase("w-1", InstancePhase.RUNNING);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    record Result(String output, int exitCode) {}

    Result run(ExecStarted started) throws Exception {
        StringBuilder out = new StringBuilder();
        long offset = 0;
        long deadline = System.nanoTime() + Harness.PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            ExecChunk c = h.agent().readExec(started.id(), offset, 4096);
            out.append(c.text());
            offset = c.next();
            if (c.done()) {
                return new Result(out.toString(), c.exitCode());
            }
            Thread.sleep(10);
        }
        throw new AssertionError("exec did not finish; output so far: " + out);
    }

    @Test
    void runsInAFreshCopyOfTheReleaseWithTheEnvironmentButNoPortAndExitsWithItsCode() throws Exception {
        ExecStarted started = h.agent().startExec(new ExecRequest("w-1", List.of("sh", "-c",
                "echo app=$CUTOVER_APP instance=$CUTOVER_INSTANCE port=${PORT:-none}; ls bin; exit 7"), false));

        Result r = run(started);

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.output()).startsWith("app=shop instance=" + started.id() + " port=none\nrun.sh\n");
        assertThat(started.release()).isEqualTo(3);
        assertThat(dataDir.resolve("execs").resolve(started.id())).as("working directory deleted").doesNotExist();
    }

    @Test
    void anAgentThatClosesSendsItsExecsTermBeforeKillAndTheNextOneForgetsTheirOutput() throws Exception {
        ExecStarted started = h.agent().startExec(new ExecRequest("w-1", List.of("sh", "-c",
                "trap 'echo got TERM; exit 3' TERM; echo ready; while true; do sleep 0.1; done"), false));
        org.awaitility.Awaitility.await().atMost(Harness.PATIENCE).until(() ->
                h.agent().readExec(started.id(), 0, 4096).text().contains("ready"));
        Path output = dataDir.resolve("execs").resolve(started.id() + ".out");

        h.close();

        assertThat(java.nio.file.Files.readString(output)).as("TERM first, and time to act on it")
                .startsWith("ready\n").endsWith("got TERM\n");
        h = new Harness(dataDir);
        assertThat(output).as("an earlier agent's exec output is deleted").doesNotExist();
    }

    @Test
    void stdinIsPassedAndClosed() throws Exception {
        ExecStarted started = h.agent().startExec(new ExecRequest("w-1", List.of("sh", "-c", "wc -l"), true));

        assertThat(h.agent().writeExec(started.id(), "a\nb\n".getBytes(StandardCharsets.UTF_8), false)).isTrue();
        assertThat(h.agent().writeExec(started.id(), "c\n".getBytes(StandardCharsets.UTF_8), true)).isTrue();

        assertThat(run(started)).isEqualTo(new Result("3\n", 0));
        assertThat(h.agent().writeExec(started.id(), new byte[1], false)).isFalse();
    }

    @Test
    void aProgramThatDoesNotExistExits127AndAKilledOneReportsItsSignal() throws Exception {
        Result missing = run(h.agent().startExec(new ExecRequest("w-1", List.of("no-such-program"), false)));
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.output()).contains("no-such-program: No such file or directory");

        ExecStarted sleeper = h.agent().startExec(new ExecRequest("w-1", List.of("sleep", "1000"), false));
        assertThat(h.agent().killExec(sleeper.id())).isTrue();
        assertThat(run(sleeper).exitCode()).isEqualTo(128 + 15);
    }

    @Test
    void anUnknownInstanceOrExecIsRejected() {
        assertThatThrownBy(() -> h.agent().startExec(new ExecRequest("nope", List.of("true"), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("like: nope");
        assertThatThrownBy(() -> h.agent().readExec("exec-0000", 0, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("execId: exec-0000");
    }
}
