package dev.cutover.router;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a listening socket: says in an operator's words why connections cannot be accepted when the process is out of
 * file descriptors (Netty's own warning is about its pipeline), at most once every 10 s, and passes the failure on
 * so that Netty pauses accepting for a second as it does.
 */
@ChannelHandler.Sharable
final class AcceptFailures extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AcceptFailures.class);
    private static final long EVERY_NANOS = 10_000_000_000L;

    private final AtomicLong lastSaid = new AtomicLong(System.nanoTime() - EVERY_NANOS);
    /** Read when the router starts: once out of descriptors, reading /proc takes one more than there is. */
    private final String limit = limit();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (outOfDescriptors(cause)) {
            long now = System.nanoTime();
            long last = lastSaid.get();
            if (now - last >= EVERY_NANOS && lastSaid.compareAndSet(last, now)) {
                log.error("cannot accept connections on {}: the process has reached its limit of open files ({}); "
                        + "connections wait in the listen queue until some close. Raise the limit (ulimit -n, or "
                        + "LimitNOFILE= in a systemd unit): each client connection takes one, and each connection to "
                        + "a target another", ctx.channel().localAddress(), limit);
            }
        }
        ctx.fireExceptionCaught(cause);
    }

    static boolean outOfDescriptors(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }

    private static String limit() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/limits"))) {
            return lines.filter(l -> l.startsWith("Max open files")).findFirst()
                    .map(l -> "soft limit " + l.substring("Max open files".length()).trim().split("\\s+")[0])
                    .orElse("limit unknown");
        } catch (IOException | RuntimeException e) {
            return "limit unknown";
        }
    }
}
