package dev.cutover.agent.health;

import dev.cutover.model.manifest.HealthSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One probe: a TCP connect or a minimal HTTP/1.1 GET over a plain socket, or a command whose exit code decides. A plain socket
 * keeps every probe independent (no pooled connection hides a dead listener) and gives precise failure messages.
 */
final class Probe {

    private static final int DRAIN_MILLIS = 200;

    private Probe() {}

    /** Where a command probe runs: the instance's working directory and environment. */
    record CommandContext(Path workingDirectory, Map<String, String> environment) {}

    static ProbeResult run(HealthSpec spec, int port, Clock clock) {
        return run(spec, port, new CommandContext(Path.of("/"), Map.of()), clock);
    }

    static ProbeResult run(HealthSpec spec, int port, CommandContext context, Clock clock) {
        if (spec.command() != null) {
            return runCommand(spec, context, clock);
        }
        Instant at = clock.instant();
        long start = System.nanoTime();
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, spec.timeout().toMillis()));
        String what = spec.describe();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            if (spec.path() == null) {
                return new ProbeResult(at, true, "connected by " + what, since(start));
            }
            int left = (int) Math.max(1, timeoutMillis - since(start).toMillis());
            socket.setSoTimeout(left);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + spec.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nUser-Agent: cutover-agent\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = statusLine(socket.getInputStream());
            int code = parseStatus(status);
            Duration elapsed = since(start);
            drain(socket);
            if (code < 0) {
                return new ProbeResult(at, false, "bad response to " + what + ": " + abbreviate(status), elapsed);
            }
            return new ProbeResult(at, code >= 200 && code < 400, code + " from " + what, elapsed);
        } catch (ConnectException e) {
            return ProbeResult.refused(at, "connection refused to " + what);
        } catch (SocketTimeoutException e) {
            return new ProbeResult(at, false, "timed out after " + timeoutMillis + "ms: " + what, null);
        } catch (IOException e) {
            return new ProbeResult(at, false, e.getClass().getSimpleName() + " from " + what + ": " + e.getMessage(), null);
        }
    }

    /**
     * Runs the command with {@code /bin/sh -c}; exit 0 within the timeout passes. On timeout the shell and its
     * direct children are killed (a check should not leave work behind; it is not run in a group of its own).
     */
    private static ProbeResult runCommand(HealthSpec spec, CommandContext context, Clock clock) {
        Instant at = clock.instant();
        long start = System.nanoTime();
        String what = spec.describe();
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", spec.command())
                .directory(context.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(context.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new ProbeResult(at, false, "cannot run " + what + ": " + e.getMessage(), null);
        }
        try {
            if (!p.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new ProbeResult(at, false, "timed out after " + spec.timeout().toMillis() + "ms: " + what, null);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new ProbeResult(at, false, "interrupted: " + what, null);
        }
        int code = p.exitValue();
        return new ProbeResult(at, code == 0, "exit code " + code + " from " + what, since(start));
    }

    /**
     * Reads the rest of the response (briefly, at most 64 KiB) before closing: closing with the body unread resets
     * the connection while the app still writes, and many servers log that as an error on every probe.
     */
    private static void drain(Socket socket) {
        try {
            socket.setSoTimeout(DRAIN_MILLIS);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            int total = 0;
            for (int n; total < 65536 && (n = in.read(sink)) > 0; ) {
                total += n;
            }
        } catch (IOException e) {
            // the result is decided; what is left does not matter
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n' && sb.length() < 200) {
            sb.append((char) b);
        }
        return sb.toString().strip();
    }

    /** {@code HTTP/1.1 200 OK} → 200; -1 when it is no status line. */
    static int parseStatus(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String abbreviate(String s) {
        return s.isEmpty() ? "empty" : s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
