package dev.cutover.cli;

import dev.cutover.model.agent.ExecChunk;
import dev.cutover.model.agent.ExecStarted;
import dev.cutover.model.api.ExecStart;
import dev.cutover.model.name.EnvRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs a one-off command like an instance of the serving release and exits with its exit code. Its standard output
 * and standard error are polled by offset with a long poll, so they stream with little delay and resume cleanly after
 * a slow request, and are written as bytes to this process's own standard output and standard error.
 */
@Command(name = "exec", description = {
        "Run a one-off command in the serving release's directory and environment (config and CUTOVER_* variables,"
                + " no PORT), print its output and exit with its exit code.",
        "Example: cutover exec shop -- ./bin/migrate --dry-run"})
final class ExecCommand extends ApiCommand {

    private static final long WAIT_MS = 1000;

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*",
            description = "The program and its arguments, after --; run without a shell (use sh -c '...' for one)")
    List<String> command;

    @Option(names = "--instance", paramLabel = "ID",
            description = "Run like this instance (default: a web instance of the serving release)")
    String instance;

    @Option(names = {"-i", "--interactive"}, description = "Pass this command's stdin to the command")
    boolean interactive;

    @Override
    int run(ApiClient api) {
        EnvRef ref = env(target);
        ExecStarted started = api.post(ApiClient.envPath(ref) + "/execs", new ExecStart(command, instance, interactive),
                ExecStarted.class);
        String base = "/api/execs/" + started.id();
        Thread kill = new Thread(() -> {
            try {
                api.post(base + "/kill", "", Object.class);
            } catch (RuntimeException e) {
                // best effort on the way out
            }
        });
        Runtime.getRuntime().addShutdownHook(kill);
        Thread feeder = interactive ? Thread.ofPlatform().daemon(true).name("cutover-exec-stdin")
                .start(() -> feed(api, base, System.in)) : null;
        OutputStream stdout = sink(out());
        OutputStream stderr = sink(err());
        try {
            long offset = 0;
            long errOffset = 0;
            while (true) {
                ExecChunk chunk;
                try {
                    chunk = api.get(base + "/output?offset=" + offset + "&errOffset=" + errOffset + "&wait="
                            + WAIT_MS, ExecChunk.class);
                } catch (CliException e) {
                    throw lost(e, started.id(), offset > 0 || errOffset > 0);
                }
                write(stdout, chunk.out());
                write(stderr, chunk.err());
                offset = chunk.next();
                errOffset = chunk.errNext();
                if (chunk.done()) {
                    return chunk.exitCode();
                }
            }
        } finally {
            if (feeder != null) {
                feeder.interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(kill);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }

    /** Where one of the command's streams goes: as bytes to this process's own stream, else decoded into the writer. */
    private static OutputStream sink(PrintWriter writer) {
        writer.flush();
        return writer instanceof StreamWriter own ? own.bytes() : new DecodingStream(writer);
    }

    private static void write(OutputStream sink, byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        try {
            sink.write(bytes);
            sink.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** UTF-8 bytes into a writer, a character cut between two writes kept until its end comes. */
    private static final class DecodingStream extends OutputStream {
        private final PrintWriter writer;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);

        DecodingStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ByteBuffer in = ByteBuffer.allocate(pending.remaining() + len).put(pending).put(b, off, len).flip();
            CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, chars, false);
            writer.append(chars.flip());
            pending = in.slice();
        }

        @Override
        public void flush() {
            writer.flush();
        }
    }

    /**
     * The exec's output cannot be read any more. A server that stopped or was replaced (a takeover) ended the
     * commands it ran (TERM, then KILL): the new one does not know the exec, and that is said as such, not as a bad
     * id the user gave.
     */
    static CliException lost(CliException e, String id, boolean ran) {
        if (e.serverAway() || e.getMessage().startsWith("execId: ")) {
            return new CliException("exec " + id + " ended with the server that ran it" + (ran ? " (its output "
                    + "above is all there is)" : "") + ": a server that stops, or is replaced by a new one, ends the "
                    + "commands it runs (TERM, then KILL after 5 s); run it again once the server is back"
                    + (e.serverAway() ? "\n" + e.getMessage() : ""), CliException.API);
        }
        return e;
    }

    /** Copies stdin to the exec until end of input, then closes the exec's stdin. */
    private static void feed(ApiClient api, String base, InputStream in) {
        byte[] buf = new byte[8192];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    api.postBytes(base + "/input?close=true", new byte[0]);
                    return;
                }
                if (n > 0 && !api.postBytes(base + "/input", Arrays.copyOf(buf, n))) {
                    return; // the command closed its stdin or exited
                }
            }
        } catch (IOException | RuntimeException e) {
            // stdin or the connection is gone; the output loop reports what matters
        }
    }
}
