package dev.cutover.server.handover;

import dev.cutover.model.json.Json;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's side of a takeover: listens on the data directory's Unix socket (mode 0600, and only a
 * process of the same user is answered) and, when a new server asks, pauses, hands over the router's listening
 * sockets and table, and once the new router serves, stops. If the new server goes away before it serves, this one
 * carries on as before. The steps are in {@link Takeover}.
 */
public final class HandoverServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HandoverServer.class);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    /** What the running server does at each step. */
    public interface Source {
        /** Stops what would change the routing table from here on, and says what the new server starts with. */
        HandoverOffer prepare();

        /** The router's listening sockets, HTTP then HTTPS. */
        List<FileDescriptor> sockets();

        /** The new router serves: stop this server (its router last, once in-flight requests are done). */
        void handOver();

        /** The new server went away before it served: go on as before. */
        void resume();
    }

    private final EventLoopGroup group;
    private final Path path;
    private final Source source;
    private final AtomicBoolean busy = new AtomicBoolean();
    private Channel listener;

    private HandoverServer(EventLoopGroup group, Path path, Source source) {
        this.group = group;
        this.path = path;
        this.source = source;
    }

    /**
     * Listens on {@code path}, replacing a file a server that ended without cleaning up left there. Returns null,
     * with a warning logged, where it cannot: no epoll, or a path too long for a Unix socket.
     */
    public static HandoverServer start(Path path, Source source) {
        if (!Epoll.isAvailable()) {
            log.warn("no takeover by a new server possible: epoll is not available ({})",
                    Epoll.unavailabilityCause().toString());
            return null;
        }
        HandoverServer server = new HandoverServer(new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()),
                path, source);
        try {
            server.listen();
            return server;
        } catch (IOException | RuntimeException e) {
            log.warn("no takeover by a new server possible: cannot listen on {}: {}", path, e.getMessage());
            server.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return null;
        }
    }

    private void listen() throws IOException {
        Files.deleteIfExists(path);
        ChannelFuture bound = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted(ch);
                    }
                })
                .bind(new DomainSocketAddress(path.toFile())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException(bound.cause().getMessage(), bound.cause());
        }
        listener = bound.channel();
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    }

    private void accepted(Channel ch) {
        BlockingQueue<Object> received = HandoverLink.queue();
        ch.pipeline().addLast(HandoverLink.initializer(received));
        HandoverLink link = HandoverLink.of(ch, received);
        Thread.ofVirtual().name("cutover-handover").start(() -> serve(link));
    }

    private void serve(HandoverLink link) {
        try {
            int uid = ((EpollDomainSocketChannel) link.channel()).peerCredentials().uid();
            if (uid != ownUid()) {
                log.warn("refused a takeover by a process of uid {}", uid);
                return;
            }
            String ask = link.line(STEP_TIMEOUT);
            if (!ask.equals(Takeover.ASK)) {
                log.warn("refused a takeover: unknown request '{}'", ask);
                return;
            }
            if (!busy.compareAndSet(false, true)) {
                link.send("busy");
                return;
            }
            boolean servedByNew = false;
            try {
                HandoverOffer offer = source.prepare();
                log.info("a new server takes over: handing over the router's sockets and table v{}",
                        offer.table().version());
                link.send(Json.mapper().writeValueAsString(offer));
                String next = link.line(STEP_TIMEOUT);
                if (next.equals(Takeover.SEND_SOCKETS)) {
                    for (FileDescriptor fd : source.sockets()) {
                        link.send(fd);
                    }
                    servedByNew = link.line(STEP_TIMEOUT).equals(Takeover.SERVING);
                }
            } catch (IOException e) {
                log.warn("the takeover stopped before the new server served ({}); going on", e.getMessage());
            } finally {
                if (!servedByNew) {
                    source.resume();
                    busy.set(false);
                }
            }
            if (servedByNew) {
                log.info("the new server's router serves; stopping this one");
                source.handOver();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("takeover request failed: {}", e.toString());
        } finally {
            link.close();
        }
    }

    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** Stops listening; removes the socket file. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the next server replaces it
        }
    }
}
