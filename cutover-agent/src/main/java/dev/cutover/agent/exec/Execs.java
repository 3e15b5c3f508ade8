package dev.cutover.agent.exec;

import dev.cutover.agent.process.ExitStatus;
import dev.cutover.agent.process.ProcessLauncher;
import dev.cutover.agent.process.Signal;
import dev.cutover.agent.process.SupervisedProcess;
import dev.cutover.agent.supervisor.Supervisor;
import dev.cutover.model.agent.ExecChunk;
import dev.cutover.model.agent.ExecRequest;
import dev.cutover.model.agent.ExecStarted;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one-off commands of an agent, by id. */
public final class Execs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Execs.class);
    /** How long a finished exec's output stays readable. */
    static final Duration KEEP_AFTER_EXIT = Duration.ofMinutes(10);
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final Path dir;
    private final Supervisor supervisor;
    private final Clock clock;
    private final Map<String, Exec> execs = new ConcurrentHashMap<>();

    public Execs(Path dir, Supervisor supervisor, Clock clock) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.supervisor = supervisor;
        this.clock = clock;
        // the output of an earlier agent's execs: they are not adopted, so no one can ask for it
        try (var files = Files.list(this.dir)) {
            for (Path old : files.filter(f -> (f.getFileName().toString().endsWith(".out")
                    || f.getFileName().toString().endsWith(".err")) && Files.isRegularFile(f)).toList()) {
                Files.deleteIfExists(old);
            }
        }
    }

    private static final class Exec {
        final String id;
        final SupervisedProcess process;
        final Path output;
        final Path error;
        final OutputStream stdin;
        volatile Integer exitCode;
        volatile Instant exitedAt;
        boolean stdinClosed; // guarded by this

        Exec(String id, SupervisedProcess process, Path output, Path error, OutputStream stdin) {
            this.id = id;
            this.process = process;
            this.output = output;
            this.error = error;
            this.stdin = stdin;
            this.stdinClosed = stdin == null;
        }
    }

    public ExecStarted start(ExecRequest request) throws IOException {
        sweep();
        String id = "exec-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path work = dir.resolve(id);
        Path output = dir.resolve(id + ".out");
        Path error = dir.resolve(id + ".err");
        Supervisor.PreparedExec prepared = supervisor.prepareExec(request.like(), id, work);
        Files.write(output, new byte[0]);
        Files.write(error, new byte[0]);
        ProcessLauncher.OneOff launched;
        try {
            launched = supervisor.launcher().launchOneOff(request.command(), work, prepared.environment(), output,
                    error, request.stdin());
        } catch (IOException | RuntimeException e) {
            supervisor.deleteExecDirectory(work);
            Files.deleteIfExists(output);
            Files.deleteIfExists(error);
            throw e;
        }
        Exec exec = new Exec(id, launched.process(), output, error, launched.stdin());
        execs.put(id, exec);
        log.info("exec {}: started pid {} like instance {}: {}", id, exec.process.pid(), request.like(),
                request.command());
        exec.process.onExit().thenAccept(status -> exited(exec, status, work));
        return new ExecStarted(id, request.like(), prepared.spec().release(), exec.process.pid());
    }

    private void exited(Exec exec, ExitStatus status, Path work) {
        try {
            exec.process.signalGroup(Signal.KILL); // what the command left running in its group
        } catch (RuntimeException e) {
            log.warn("exec {}: cannot kill what is left of its process group", exec.id, e);
        }
        int code = switch (status) {
            case ExitStatus.Exited e -> e.code();
            case ExitStatus.Killed k -> 128 + k.signal();
            case ExitStatus.Unknown u -> -1;
        };
        synchronized (exec) {
            closeStdin(exec);
        }
        log.info("exec {}: {}", exec.id, status.describe());
        try {
            supervisor.deleteExecDirectory(work);
        } catch (IOException e) {
            log.warn("exec {}: cannot delete {}", exec.id, work, e);
        }
        // published last: a reader that sees the exit code sees an exec that is over, its directory gone
        exec.exitedAt = clock.instant();
        exec.exitCode = code;
    }

    /**
     * Reads standard output from {@code offset} and standard error from {@code errOffset}, at most {@code maxBytes}
     * of each; the exit code comes with the chunk that reaches the end of both after the exit.
     */
    public ExecChunk read(String id, long offset, long errOffset, int maxBytes) throws IOException {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 1 or more)");
        }
        Exec exec = get(id);
        Integer exitCode = exec.exitCode; // read before the sizes: once exited, the files hold all output
        try {
            Piece out = read(exec.output, offset, maxBytes);
            Piece err = read(exec.error, errOffset, maxBytes);
            return new ExecChunk(out.bytes(), out.next(), err.bytes(), err.next(),
                    exitCode != null && out.atEnd() && err.atEnd() ? exitCode : null);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("execId: " + id + " (expected: a running or recent exec)", e);
        }
    }

    private record Piece(byte[] bytes, long next, boolean atEnd) {}

    private static Piece read(Path file, long offset, int maxBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long start = Math.max(0, Math.min(offset, size));
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes, size - start));
            while (buf.hasRemaining() && ch.read(buf, start + buf.position()) > 0) {
                // fill
            }
            long next = start + buf.position();
            return new Piece(java.util.Arrays.copyOf(buf.array(), buf.position()), next, next >= size);
        }
    }

    public boolean write(String id, byte[] input, boolean close) throws IOException {
        Exec exec = get(id);
        synchronized (exec) {
            if (exec.stdinClosed) {
                return false;
            }
            try {
                exec.stdin.write(input);
                exec.stdin.flush();
            } catch (IOException e) {
                closeStdin(exec); // the command closed its stdin or exited
                return false;
            }
            if (close) {
                closeStdin(exec);
            }
            return true;
        }
    }

    private static void closeStdin(Exec exec) {
        if (!exec.stdinClosed) {
            exec.stdinClosed = true;
            try {
                exec.stdin.close();
            } catch (IOException e) {
                // already broken: nothing to close
            }
        }
    }

    /** TERM to the group, KILL after {@link #KILL_GRACE}. */
    public boolean kill(String id) {
        Exec exec = get(id);
        if (exec.exitCode != null || !exec.process.signalGroup(Signal.TERM)) {
            return false;
        }
        Thread.ofVirtual().name("cutover-exec-kill-" + id).start(() -> {
            try {
                exec.process.onExit().get(KILL_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                exec.process.signalGroup(Signal.KILL);
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        });
        return true;
    }

    private Exec get(String id) {
        Exec exec = id == null ? null : execs.get(id);
        if (exec == null) {
            throw new IllegalArgumentException("execId: " + id + " (expected: a running or recent exec)");
        }
        return exec;
    }

    /** Forgets execs that ended long enough ago, with their output. */
    private void sweep() {
        Instant cutoff = clock.instant().minus(KEEP_AFTER_EXIT);
        for (Exec exec : execs.values()) {
            if (exec.exitedAt != null && exec.exitedAt.isBefore(cutoff) && execs.remove(exec.id, exec)) {
                for (Path file : List.of(exec.output, exec.error)) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        log.warn("exec {}: cannot delete {}", exec.id, file, e);
                    }
                }
            }
        }
    }

    /**
     * Ends every running exec: an exec is interactive, and nobody could read it after the agent is gone. Each gets
     * TERM first and up to {@link #KILL_GRACE} in all to exit (a migration run by hand can roll back its
     * transaction), then KILL.
     */
    @Override
    public void close() {
        List<Exec> running = execs.values().stream().filter(exec -> exec.exitCode == null).toList();
        for (Exec exec : running) {
            signal(exec, Signal.TERM);
        }
        long until = System.nanoTime() + KILL_GRACE.toNanos();
        for (Exec exec : running) {
            try {
                long left = until - System.nanoTime();
                if (left > 0) {
                    exec.process.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException | ExecutionException e) {
                // KILL below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Exec exec : running) {
            if (exec.process.groupAlive()) {
                log.warn("exec {}: still running {} after TERM; killing it", exec.id, KILL_GRACE);
                signal(exec, Signal.KILL);
            }
        }
    }

    private static void signal(Exec exec, Signal signal) {
        try {
            exec.process.signalGroup(signal);
        } catch (RuntimeException e) {
            log.warn("exec {}: cannot send {}", exec.id, signal, e);
        }
    }
}
