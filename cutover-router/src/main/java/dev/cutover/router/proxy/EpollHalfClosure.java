package dev.cutover.router.proxy;

import io.netty.channel.Channel;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around Netty 4.2.18's epoll transport for a connection whose client half-closed. Once such a socket has
 * nothing left to wait for (reading is over, and no write waits for room), Netty takes it out of epoll while its
 * registration still counts it as in; the next wait for room to write (EPOLLOUT, which any response larger than the
 * socket's buffers needs) then fails with ENOENT, and the connection closes in the middle of the response with
 * nothing said (20 MB responses came out at 4 to 13 MB). Keeping one more event in the socket's interest set, one
 * that cannot fire on it, keeps that set from ever becoming empty: EPOLLPRI, urgent data, which a client that has
 * shut down its sending side can no longer send. Netty has no public way to add an event, so its own method is
 * called by reflection; when that is not possible, the caller ends the connection as if the client had closed it.
 */
final class EpollHalfClosure {

    private static final Logger log = LoggerFactory.getLogger(EpollHalfClosure.class);
    private static final int EPOLLPRI = 0x002;
    private static final Class<?> EPOLL_CHANNEL = epollChannelClass();
    private static final Method SET_FLAG = setFlag();

    private EpollHalfClosure() {}

    /**
     * Whether {@code channel}, whose input just ended, can go on writing a response of any size: true for every
     * transport but epoll, and for epoll once the workaround is applied.
     */
    static boolean keepWritable(Channel channel) {
        if (EPOLL_CHANNEL == null || !EPOLL_CHANNEL.isInstance(channel)) {
            return true;
        }
        if (SET_FLAG == null) {
            return false;
        }
        try {
            SET_FLAG.invoke(channel, EPOLLPRI);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("cannot keep a half-closed epoll socket registered", e);
            return false;
        }
    }

    private static Class<?> epollChannelClass() {
        try {
            return Class.forName("io.netty.channel.epoll.AbstractEpollChannel");
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Method setFlag() {
        if (EPOLL_CHANNEL == null) {
            return null;
        }
        try {
            Method m = EPOLL_CHANNEL.getDeclaredMethod("setFlag", int.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("half-closed clients on epoll get no response (Netty's AbstractEpollChannel.setFlag is not "
                    + "reachable: {}); the io_uring transport has no such limit", e.toString());
            return null;
        }
    }
}
