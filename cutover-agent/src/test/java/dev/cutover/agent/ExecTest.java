package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.agent.testing.Harness;
import dev.cutover.model.agent.ExecChunk;
import dev.cutover.model.agent.ExecRequest;
import dev.cutover.model.agent.ExecStarted;
import dev.cutover.model.agent.InstancePhase;
import java.io.ByteArrayOutputStream;
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

    record Result(byte[] out, byte[] err, int exitCode) {
        String output() {
            return new String(out, StandardCharsets.UTF_8);
        }

        String error() {
            return new String(err, StandardCharsets.UTF_8);
        }
    }

    Result run(ExecStarted started) throws Exception {
        return run(started, 4096);
    }

    /** Reads the exec to its end, {@code max} bytes of each stream at a time. */
    Result run(ExecStarted started, int max) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long offset = 0;
        long errOffset = 0;
        long deadline = System.nanoTime() + Harness.PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            ExecChunk c = h.agent().readExec(started.id(), offset, errOffset, max);
            out.writeBytes(c.out());
            err.writeBytes(c.err());
            offset = c.next();
            errOffset = c.errNext();
            if (c.done()) {
                return new Result(out.toByteArray(), err.toByteArray(), c.exitCode());
            }
            Thread.sleep(10);
        }
        throw new AssertionError("exec did not finish; output so far: " + out + " / " + err);
    }

    @Test
    void runsInAFreshCopyOfTheReleaseWithTheEnvironmentButNoPortAndExitsWithItsCode() throws Exception {
        ExecStarted started = h.agent().startExec(new ExecRequest("w-1", List.of("sh", "-c",
                "echo app=$CUTOVER_APP instance=$CUTOVER_INSTANCE port=${PORT:-none}; ls bin; exit 7"), false));

        Result r = run(started);

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.output()).startsWith("app=shop instance=" + started.id() + " port=none\nrun.sh\n");
        assertThat(r.error()).isEmpty();
        assertThat(started.release()).isEqualTo(3);
        assertThat(dataDir.resolve("execs").resolve(started.id())).as("working directory deleted").doesNotExist();
    }

    @Test
    void anAgentThatClosesSendsItsExecsTermBeforeKillAndTheNextOneForgetsTheirOutput() throws Exception {
        ExecStarted started = h.agent().startExec(new ExecRequest("w-1", List.of("sh", "-c",
                "trap 'echo got TERM; exit 3' TERM; echo ready; while true; do sleep 0.1; done"), false));
        org.awaitility.Awaitility.await().atMost(Harness.PATIENCE).until(() ->
                new String(h.agent().readExec(started.id(), 0, 0, 4096).out(), StandardCharsets.UTF_8)
                        .contains("ready"));
        Path output = dataDir.resolve("execs").resolve(started.id() + ".out");

        h.close();

        assertThat(java.nio.file.Files.readString(output)).as("TERM first, and time to act on it")
                .startsWith("ready\n").endsWith("got TERM\n");
        h = new Harness(dataDir);
        assertThat(output).as("an earlier agent's exec output is deleted").doesNotExist();
    }

    @Test
    void standardOutputAndErrorComeApartAndByteForByte() throws Exception {
        // every byte value, 4 times over, on stdout; text on stderr in between; read 7 bytes at a time, so that
        // reads end inside what would be UTF-8 characters
        ExecStarted started = h.agent().startExec(new ExecRequest("w-1", List.of("python3", "-c", """
                import sys
                data = bytes(range(256)) * 4
                sys.stdout.buffer.write(data[:300]); sys.stdout.flush()
                sys.stderr.write("warning: h\u00e9llo\\n"); sys.stderr.flush()
                sys.stdout.buffer.write(data[300:]); sys.stdout.flush()
                sys.exit(3)
                """), false));

        Result r = run(started, 7);

        byte[] expected = new byte[1024];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
        }
        assertThat(r.out()).isEqualTo(expected);
        assertThat(r.error()).isEqualTo("warning: h\u00e9llo\n");
        assertThat(r.exitCode()).isEqualTo(3);
    }

    @Test
    void stdinIsPassedAndClosed() throws Exception {
        ExecStarted started = h.agent().startExec(new ExecRequest("w-1", List.of("sh", "-c", "wc -l"), true));

        assertThat(h.agent().writeExec(started.id(), "a\nb\n".getBytes(StandardCharsets.UTF_8), false)).isTrue();
        assertThat(h.agent().writeExec(started.id(), "c\n".getBytes(StandardCharsets.UTF_8), true)).isTrue();

        Result r = run(started);
        assertThat(r.output()).isEqualTo("3\n");
        assertThat(r.exitCode()).isZero();
        assertThat(h.agent().writeExec(started.id(), new byte[1], false)).isFalse();
    }

    @Test
    void aProgramThatDoesNotExistExits127AndAKilledOneReportsItsSignal() throws Exception {
        Result missing = run(h.agent().startExec(new ExecRequest("w-1", List.of("no-such-program"), false)));
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.error()).contains("no-such-program: No such file or directory");
        assertThat(missing.output()).isEmpty();

        ExecStarted sleeper = h.agent().startExec(new ExecRequest("w-1", List.of("sleep", "1000"), false));
        assertThat(h.agent().killExec(sleeper.id())).isTrue();
        assertThat(run(sleeper).exitCode()).isEqualTo(128 + 15);
    }

    @Test
    void anUnknownInstanceOrExecIsRejected() {
        assertThatThrownBy(() -> h.agent().startExec(new ExecRequest("nope", List.of("true"), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("like: nope");
        assertThatThrownBy(() -> h.agent().readExec("exec-0000", 0, 0, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("execId: exec-0000");
    }
}
