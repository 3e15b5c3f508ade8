package dev.cutover.router.pool;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link ConnectionPool} per event loop of the router's worker group. The map is built once and never
 * changes, so any thread may look a pool up; only the pool's own loop may use it.
 */
public final class ConnectionPools {

    private static final Logger log = LoggerFactory.getLogger(ConnectionPools.class);

    private final Map<EventLoop, ConnectionPool> pools = new IdentityHashMap<>();

    public ConnectionPools(EventLoopGroup group, Class<? extends Channel> channelType, Duration connectTimeout,
            Duration idleTimeout, int maxConnectionsPerTarget) {
        Bootstrap template = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .disableResolver();
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            pools.put(loop, new ConnectionPool(loop, template, idleTimeout.toNanos(), maxConnectionsPerTarget));
        }
    }

    /** The pool of the given loop; the caller must be running on that loop to use it. */
    public ConnectionPool of(EventLoop loop) {
        ConnectionPool pool = pools.get(loop);
        if (pool == null) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: a loop of the router's worker group)");
        }
        return pool;
    }

    /** Runs the action on every pool, each on its own loop; returns at once. */
    public void forEach(Consumer<ConnectionPool> action) {
        List<Map.Entry<EventLoop, ConnectionPool>> entries = new ArrayList<>(pools.entrySet());
        for (Map.Entry<EventLoop, ConnectionPool> entry : entries) {
            if (entry.getKey().isShuttingDown()) {
                continue;
            }
            entry.getKey().execute(() -> {
                try {
                    action.accept(entry.getValue());
                } catch (RuntimeException e) {
                    log.warn("pool task failed on {}", entry.getKey(), e);
                }
            });
        }
    }
}
