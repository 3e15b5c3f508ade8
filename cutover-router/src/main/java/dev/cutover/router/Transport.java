package dev.cutover.router;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the router's event loops wait for and do their I/O.
 *
 * <ul>
 *   <li>{@link #AUTO}, the default: epoll where Netty's native library loads (Linux), else Java's NIO.</li>
 *   <li>{@link #IO_URING}: Linux's io_uring (5.9 and later, unless {@code kernel.io_uring_disabled} or a seccomp
 *       profile turns it off). Reads, writes, accepts and closes go to the kernel in batches. Under keep-alive load
 *       with the router sharing its CPUs with the load and the apps, it served about 16% more requests a second
 *       for about 12% less CPU per request; with a CPU of its own, the same as epoll (docs/router.md). It is not the
 *       default because Netty's io_uring transport is younger than its epoll transport and has had bugs that leave
 *       a read never re-armed; the router works around the one its tests met, and runs its whole suite on both.</li>
 *   <li>{@link #EPOLL}, {@link #NIO}: that one, or an error where it cannot run.</li>
 * </ul>
 *
 * <p>Configurations that do not name one take {@link #fromSystemProperty()}: {@value #PROPERTY} if set (so that
 * the router inside {@code cutover server} can be switched with {@code CUTOVER_JAVA_OPTS}), else {@link #AUTO}.
 */
public enum Transport {
    AUTO, IO_URING, EPOLL, NIO;

    /** The system property that picks the transport of configurations that do not name one. */
    public static final String PROPERTY = "cutover.router.transport";

    /** The name on the command line and in messages: {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The name of the transport this choice runs on here ({@code io_uring}, {@code epoll} or {@code nio}).
     *
     * @throws IllegalArgumentException when it names one this machine does not offer; the message says why
     */
    public String resolve() {
        return IoTransport.of(this).name();
    }

    /** @throws IllegalArgumentException for a name that is not one of {@link #flag()}'s, naming the ones that are */
    public static Transport parse(String flag) {
        for (Transport t : values()) {
            if (t.flag().equals(flag)) {
                return t;
            }
        }
        throw new IllegalArgumentException("transport: '" + flag + "' (expected: one of " + flags() + ")");
    }

    /**
     * {@value #PROPERTY} parsed, or {@link #AUTO} when it is not set.
     *
     * @throws IllegalArgumentException when it is set to something else than a transport's name
     */
    public static Transport fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return parse(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + ": '" + value + "' (expected: one of " + flags() + ")", e);
        }
    }

    private static String flags() {
        return Arrays.stream(values()).map(Transport::flag).collect(Collectors.joining(", "));
    }
}
