package dev.cutover.router;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/** The event loops' I/O and the channel types that go with it, as {@link Transport} picks them. */
record IoTransport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannelType,
        Class<? extends Channel> channelType) {

    /** Netty's switch for multishot {@code POLL_ADD}; read once, when its io_uring classes load. */
    static final String MULTISHOT_POLL_PROPERTY = "io.netty.iouring.pollAddMultishotEnabled";

    /**
     * @throws IllegalArgumentException when the transport asked for by name cannot run here; the message says why
     *                                  and what to use instead
     */
    static IoTransport of(Transport choice) {
        return switch (choice) {
            case AUTO -> Epoll.isAvailable() ? epoll() : nio();
            case IO_URING -> {
                singleShotPolls();
                if (!IoUring.isAvailable()) {
                    throw unavailable(choice, IoUring.unavailabilityCause());
                }
                boolean multishotAskedFor = "true".equals(System.getProperty(MULTISHOT_POLL_PROPERTY));
                if (IoUring.isPollAddMultishotEnabled() && !multishotAskedFor) {
                    throw new IllegalStateException("transport: io_uring cannot start safely in this JVM: Netty's "
                            + "io_uring classes were loaded before the router could turn off multishot polls, with "
                            + "which a reset after part of a response is never read; start the JVM with -D"
                            + MULTISHOT_POLL_PROPERTY + "=false");
                }
                yield ioUring();
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw unavailable(choice, Epoll.unavailabilityCause());
                }
                yield epoll();
            }
            case NIO -> nio();
        };
    }

    /**
     * A multishot poll reports a socket's readiness once per change, like an edge-triggered epoll. Netty 4.2.18
     * re-arms its read on a channel whose multishot poll is still armed by waiting for that poll, so a target
     * that sends part of a response and then resets the connection leaves the channel waiting for an event that has
     * already been reported: the reset is never read and the exchange hangs (RouterRetryTest caught it). One-shot
     * polls are re-armed after each report and report a pending error or end of input at once. Unless set
     * explicitly, the router asks for them. Netty reads the switch once, when its io_uring classes load: if
     * something loaded them before, with multishot polls on and not asked for, the router refuses to start on
     * io_uring rather than run with the hang.
     */
    private static void singleShotPolls() {
        if (System.getProperty(MULTISHOT_POLL_PROPERTY) == null) {
            System.setProperty(MULTISHOT_POLL_PROPERTY, "false");
        }
    }

    private static IoTransport ioUring() {
        return new IoTransport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
    }

    private static IoTransport epoll() {
        return new IoTransport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    private static IoTransport nio() {
        return new IoTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    private static IllegalArgumentException unavailable(Transport choice, Throwable cause) {
        return new IllegalArgumentException("transport: '" + choice.flag() + "' (expected: one this machine offers; "
                + choice.flag() + " is not: " + (cause == null ? "unknown reason" : cause.getMessage())
                + "; use auto, which takes epoll where it can and NIO elsewhere)", cause);
    }
}
