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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One probe over a plain socket: a TCP connect, or a minimal HTTP/1.1 GET whose status line decides. A plain socket
 * keeps every probe independent (no pooled connection hides a dead listener) and gives precise failure messages.
 */
final class Probe {

    private Probe() {}

    static ProbeResult run(HealthSpec spec, int port, Clock clock) {
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
            if (code < 0) {
                return new ProbeResult(at, false, "bad response to " + what + ": " + abbreviate(status), since(start));
            }
            return new ProbeResult(at, code >= 200 && code < 400, code + " from " + what, since(start));
        } catch (ConnectException e) {
            return new ProbeResult(at, false, "connection refused to " + what, null);
        } catch (SocketTimeoutException e) {
            return new ProbeResult(at, false, "timed out after " + timeoutMillis + "ms: " + what, null);
        } catch (IOException e) {
            return new ProbeResult(at, false, e.getClass().getSimpleName() + " from " + what + ": " + e.getMessage(), null);
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
