package dev.cutover.router.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per answered request, written by a background thread so that an event loop never waits for a disk:
 * the loop formats the line and offers it to a bounded queue; when the queue is full (the disk cannot keep up)
 * the line is dropped and counted ({@link #dropped()}, exported as {@code cutover_router_access_log_dropped_lines_total}
 * and logged at most every {@link #DROPS_SAID_EVERY_MILLIS}), never waited for; so are the lines of a write that failed.
 *
 * <p>The line, fields separated by one space, {@code -} for an empty field:
 * <pre>
 * TIME REQUEST_ID CLIENT_IP "METHOD TARGET" HOST STATUS BYTES DURATION_MS ENVIRONMENT GROUP INSTANCE FAILURE
 * 2026-11-22T05:40:01.123456Z 9f0c... 10.0.0.7 "GET /cart?id=3" shop.example.com 200 1043 1.874 shop/production v7 web-2 -
 * </pre>
 * {@code BYTES} counts the response body relayed to the client; {@code DURATION_MS} runs from the request head read
 * to the response's last byte handed to the socket; {@code FAILURE} is the failure tag when the router answered
 * itself or cut the response short.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final int QUEUE = 65_536;
    private static final String STOP = new String("stop");

    static final long DROPS_SAID_EVERY_MILLIS = 10_000;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final LongAdder dropped = new LongAdder();
    /** What the writer thread last said of the drops: the count then, and when. */
    private long droppedSaid;
    private long droppedSaidAt;
    private final Writer out;
    private final Thread writer;

    /** Writes to {@code out}; {@link #open} is how the router opens one. */
    AccessLog(Writer out) {
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("cutover-access-log").start(this::drain);
    }

    /** Appends to a file, or writes to standard output when the path is {@code -}. */
    public static AccessLog open(String target) throws IOException {
        Writer out = target.equals("-")
                ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
                : Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new AccessLog(out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16));
    }

    /** Called on an event loop: formats the line and queues it, or drops it if the queue is full. */
    public void log(String requestId, String clientIp, String method, String uri, String host, int status,
            long bytes, long nanos, String environment, String group, String instance, String failure) {
        StringBuilder line = new StringBuilder(160 + uri.length());
        line.append(Instant.now().truncatedTo(ChronoUnit.MICROS)).append(' ')
                .append(requestId).append(' ')
                .append(orDash(clientIp)).append(" \"")
                .append(method).append(' ');
        appendQuoted(line, uri);
        line.append("\" ")
                .append(orDash(host)).append(' ')
                .append(status).append(' ')
                .append(bytes).append(' ');
        long micros = nanos / 1000;
        line.append(micros / 1000).append('.');
        long fraction = micros % 1000;
        if (fraction < 100) {
            line.append('0');
        }
        if (fraction < 10) {
            line.append('0');
        }
        line.append(fraction).append(' ')
                .append(orDash(environment)).append(' ')
                .append(orDash(group)).append(' ')
                .append(orDash(instance)).append(' ')
                .append(orDash(failure)).append('\n');
        if (!queue.offer(line.toString())) {
            dropped.increment();
        }
    }

    /** On the writer thread: says how many lines went since it last said so, at most every few seconds. */
    private void sayDrops() {
        long now = System.currentTimeMillis();
        long total = dropped.sum();
        if (total > droppedSaid && now - droppedSaidAt >= DROPS_SAID_EVERY_MILLIS) {
            log.warn("access log: {} line(s) dropped since {} because the disk could not keep up ({} in all; "
                    + "cutover_router_access_log_dropped_lines_total counts them)", total - droppedSaid,
                    droppedSaidAt == 0 ? "the router started" : "the last such warning", total);
            droppedSaid = total;
            droppedSaidAt = now;
        }
    }

    /** Lines dropped because the writer could not keep up, or their write failed. */
    public long dropped() {
        return dropped.sum();
    }

    private void drain() {
        List<String> batch = new ArrayList<>(1024);
        while (true) {
            try {
                sayDrops();
                String first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4095);
                boolean stop = false;
                for (String line : batch) {
                    if (line == STOP) {
                        stop = true;
                    } else {
                        out.write(line);
                    }
                }
                batch.clear();
                out.flush();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                // A background loop never dies: a full disk loses lines, not the router.
                log.warn("writing the access log failed", e);
                dropped.add(batch.stream().filter(line -> line != STOP).count());
                batch.clear();
            }
        }
    }

    /**
     * The request target inside the quotes: a {@code "} or {@code \\} in it is escaped with a backslash, and a byte
     * outside printable ASCII written {@code \\xNN} as nginx does (the target is read as bytes, one char each: written
     * as is, a raw UTF-8 or Latin-1 byte would come out as another character, and a control byte could forge a line).
     */
    private static void appendQuoted(StringBuilder line, String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x21 || c > 0x7e) {
                line.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else {
                line.append(c);
            }
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    /** Writes what is queued, then stops the writer; waits for it a little. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(5_000);
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("flushing the access log failed", e);
        }
    }
}
