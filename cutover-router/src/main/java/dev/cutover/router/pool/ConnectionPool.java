package dev.cutover.router.pool;

import dev.cutover.router.routing.LiveTarget;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The keep-alive connections of one event loop to every target. Connections are made on this loop, so a client
 * and the connection serving it share a thread. A connection goes back to the pool only if the exchange says it
 * may be reused, it is between responses, and its target still takes new requests; a target that stops taking them
 * has its idle connections closed by {@link #closeIdleOfRetiredTargets()} and each busy one closed when its exchange
 * releases it.
 *
 * <p>Threads: every method must be called on this pool's event loop.
 */
public final class ConnectionPool {

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final long idleTimeoutNanos;
    private final int maxConnectionsPerTarget;
    private final Map<LiveTarget, ArrayDeque<BackendConnection>> idle = new HashMap<>();

    ConnectionPool(EventLoop loop, Bootstrap bootstrap, long idleTimeoutNanos, int maxConnectionsPerTarget) {
        this.loop = loop;
        this.bootstrap = bootstrap.clone(loop);
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.maxConnectionsPerTarget = maxConnectionsPerTarget;
    }

    /** The most recently pooled connection to the target that is still usable, or null: then {@link #connect}. */
    public BackendConnection pollIdle(LiveTarget target) {
        ArrayDeque<BackendConnection> pooled = idle.get(target);
        while (pooled != null && !pooled.isEmpty()) {
            BackendConnection connection = pooled.pollLast();
            if (connection.isReusable()) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    /**
     * A new connection to the target. Fails with {@link TargetAtCapacityException} when the target has too many
     * connections, or with the connect error.
     */
    public Future<BackendConnection> connect(LiveTarget target) {
        if (!target.tryOpenConnection(maxConnectionsPerTarget)) {
            return loop.newFailedFuture(new TargetAtCapacityException(target, maxConnectionsPerTarget));
        }
        BackendConnection connection = new BackendConnection(target, idleTimeoutNanos);
        Promise<BackendConnection> promise = loop.newPromise();
        ChannelFuture connected;
        try {
            connected = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(connection);
                }
            }).connect(target.socketAddress());
        } catch (RuntimeException e) {
            target.connectionClosed();
            return loop.newFailedFuture(e);
        }
        Channel channel = connected.channel();
        // The one place a connection is uncounted, whether it failed to connect, broke, or was closed by us.
        channel.closeFuture().addListener(f -> {
            target.connectionClosed();
            ArrayDeque<BackendConnection> pooled = idle.get(target);
            if (pooled != null) {
                pooled.remove(connection);
            }
        });
        connected.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(connection);
            } else {
                channel.close();
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /**
     * Takes a connection back after an exchange. It is kept only if {@code reusable} (the response was complete,
     * kept alive, and the request was fully sent), the connection is between responses, and its target still takes
     * new requests.
     */
    public void release(BackendConnection connection, boolean reusable) {
        release(connection, reusable, System.nanoTime());
    }

    /** {@link #release(BackendConnection, boolean)} with the time already read by the caller. */
    public void release(BackendConnection connection, boolean reusable, long nowNanos) {
        connection.detach();
        LiveTarget target = connection.target();
        if (reusable && connection.isReusable() && target.takesNewRequests()) {
            Channel channel = connection.channel();
            if (!channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
            }
            connection.pooled(nowNanos);
            idle.computeIfAbsent(target, t -> new ArrayDeque<>()).addLast(connection);
        } else {
            connection.close();
        }
    }

    /** Closes the idle connections of targets that no longer take new requests: the draining event's effect. */
    public void closeIdleOfRetiredTargets() {
        for (Iterator<Map.Entry<LiveTarget, ArrayDeque<BackendConnection>>> it = idle.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<LiveTarget, ArrayDeque<BackendConnection>> entry = it.next();
            if (!entry.getKey().takesNewRequests()) {
                it.remove();
                closeAll(entry.getValue());
            } else if (entry.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    /** Closes every idle connection; busy ones are closed as their exchanges end or their clients go. */
    public void closeIdle() {
        List<ArrayDeque<BackendConnection>> all = new ArrayList<>(idle.values());
        idle.clear();
        all.forEach(ConnectionPool::closeAll);
    }

    private static void closeAll(ArrayDeque<BackendConnection> connections) {
        // Copy first: each close removes the connection from its deque through the close listener.
        for (BackendConnection connection : new ArrayList<>(connections)) {
            connection.close();
        }
    }
}
