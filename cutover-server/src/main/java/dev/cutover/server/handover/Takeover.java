package dev.cutover.server.handover;

import dev.cutover.agent.process.ProcFs;
import dev.cutover.model.json.Json;
import dev.cutover.router.HandedOverSockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The new server's side of a takeover from the server running on the same data directory:
 *
 * <ol>
 *   <li>{@link #ask}: the running server stops changing its routing table (its control loop pauses) and sends the
 *       table, its ports and its pid, then its router's listening sockets, over the Unix socket
 *       ({@code SCM_RIGHTS});</li>
 *   <li>the new router starts on those sockets with that table: both processes now accept from the same sockets,
 *       so a connection is never refused;</li>
 *   <li>{@link #serving}: the running server closes its copies of the sockets, lets its requests in flight finish
 *       (each keep-alive client is told {@code Connection: close} on its next response), stops its API, control loop
 *       and agent (the apps keep running) and exits; the new server waits for that, then opens the store and adopts
 *       the apps, as after any restart.</li>
 * </ol>
 *
 * Until {@link #serving}, closing this gives up and the running server goes on as before.
 */
public final class Takeover implements AutoCloseable {

    static final String ASK = "take-over";
    static final String SEND_SOCKETS = "send-sockets";
    static final String SERVING = "serving";
    /** How long the running server may take to stop once the new one serves. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final EventLoopGroup group;
    private final HandoverLink link;
    private final HandoverOffer offer;
    private final List<FileDescriptor> sockets;
    /** Whether a router took the sockets, and with them the closing of their descriptors. */
    private boolean taken;

    private Takeover(EventLoopGroup group, HandoverLink link, HandoverOffer offer, List<FileDescriptor> sockets) {
        this.group = group;
        this.link = link;
        this.offer = offer;
        this.sockets = sockets;
    }

    /**
     * Asks the server listening on {@code socket} to hand over. Empty when none does (no socket file, or nothing
     * answers on it: no server runs on this data directory).
     *
     * @throws IOException when a server answered but the handover could not go on; it goes on serving
     */
    public static Optional<Takeover> ask(Path socket) throws IOException {
        if (!Files.exists(socket) || !Epoll.isAvailable()) {
            return Optional.empty();
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        BlockingQueue<Object> received = HandoverLink.queue();
        ChannelFuture connected = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                .handler(HandoverLink.initializer(received))
                .connect(new DomainSocketAddress(socket.toFile())).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return Optional.empty(); // a file left by a server that did not clean up
        }
        HandoverLink link = HandoverLink.of(connected.channel(), received);
        try {
            link.send(ASK);
            String answer = link.line(HandoverServer.STEP_TIMEOUT);
            if (answer.equals("busy")) {
                throw new IOException("another server is taking over from it already");
            }
            HandoverOffer offer = Json.mapper().readValue(answer, HandoverOffer.class);
            link.readDescriptors();
            link.send(SEND_SOCKETS);
            List<FileDescriptor> sockets = new ArrayList<>();
            sockets.add(link.descriptor(HandoverServer.STEP_TIMEOUT));
            if (offer.httpsPort() >= 0) {
                sockets.add(link.descriptor(HandoverServer.STEP_TIMEOUT));
            }
            return Optional.of(new Takeover(group, link, offer, sockets));
        } catch (IOException | RuntimeException e) {
            link.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    public HandoverOffer offer() {
        return offer;
    }

    /** The running router's listening sockets, as descriptors of this process, and its table. */
    public HandedOverSockets sockets() {
        taken = true;
        return new HandedOverSockets(sockets.get(0).intValue(), sockets.size() > 1 ? sockets.get(1).intValue() : -1,
                offer.table());
    }

    /**
     * Tells the running server that the new router serves, and waits until that server has stopped.
     *
     * @throws IOException when it did not stop within {@link #STOP_TIMEOUT}
     */
    public void serving() throws IOException, InterruptedException {
        link.send(SERVING);
        long until = System.nanoTime() + STOP_TIMEOUT.toNanos();
        link.awaitClosed(STOP_TIMEOUT);
        Optional<ProcessHandle> old = ProcessHandle.of(offer.pid());
        while (old.isPresent() && running(old.get())) {
            if (System.nanoTime() > until) {
                throw new IOException("the server that ran (pid " + offer.pid() + ") did not stop within "
                        + STOP_TIMEOUT.toSeconds() + "s of handing over");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Whether the process still runs. One that has exited but that its parent has not reaped yet (a zombie: its
     * sockets are closed, its ports free) has stopped; a parent that is not a shell or a service manager may take a
     * second or more to reap it.
     */
    private static boolean running(ProcessHandle process) {
        return process.isAlive() && ProcFs.stat(process.pid()).map(s -> !s.exited()).orElse(false);
    }

    /**
     * Ends the connection; before {@link #serving}, the running server goes on as before. The descriptors of sockets
     * no router took are closed (the running server keeps its own).
     */
    @Override
    public void close() {
        if (!taken) {
            for (FileDescriptor fd : sockets) {
                try {
                    fd.close();
                } catch (IOException e) {
                    // closed already
                }
            }
        }
        link.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
