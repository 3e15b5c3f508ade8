package dev.cutover.router.health;

import dev.cutover.router.routing.LiveTarget;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health: a target that refuses a connection (or does not accept one in time) is ejected, so that requests
 * stop paying for a connection attempt to it, and is readmitted once a probe (a plain TCP connect, in the
 * background) succeeds. Probes back off: the first after {@code backoff}, each next one twice as late, up to
 * {@code maxFactor} times {@code backoff}. Picking skips ejected targets but fails open when a group has no
 * other target left, see {@code TargetPicker}.
 *
 * <pre>
 *   in service ──refused──▶ ejected ──probe connects──▶ in service
 *                              ▲  │ probe fails: wait twice as long
 *                              └──┘
 * </pre>
 *
 * <p>Threads: {@link #connectFailed} is called by any event loop; only the caller that ejects a target starts its
 * probe chain, and the chain runs on one event loop of the worker group, so one probe at most is in flight per
 * target.
 */
public final class PassiveHealth {

    private static final Logger log = LoggerFactory.getLogger(PassiveHealth.class);

    /**
     * The probe channels' handler: they only connect. Shared by every probe, so it must be {@code @Sharable}: Netty
     * refuses to add a handler that is not to a second channel, and every probe after the first would fail before
     * it connected, leaving a target that was still down at its first probe ejected for good.
     */
    @ChannelHandler.Sharable
    private static final class Nothing extends ChannelInboundHandlerAdapter {}

    private static final ChannelHandler NOTHING = new Nothing();

    private final EventLoopGroup loops;
    private final Bootstrap probe;
    private final long backoffMillis;
    private final long maxBackoffMillis;

    public PassiveHealth(EventLoopGroup loops, Class<? extends Channel> channelType, Duration connectTimeout,
            Duration backoff, int maxFactor) {
        this.loops = loops;
        this.probe = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(NOTHING)
                .disableResolver();
        this.backoffMillis = backoff.toMillis();
        this.maxBackoffMillis = backoffMillis * maxFactor;
    }

    /** A connection to the target failed to open ({@code cause}): eject it, unless it already is. */
    public void connectFailed(LiveTarget target, Throwable cause) {
        if (target.eject()) {
            log.info("target {} at {} {}: ejected, first probe in {} ms", target.instance(), target.address(),
                    cause instanceof ConnectTimeoutException ? "did not accept a connection in time"
                            : cause instanceof ConnectException ? "refused a connection"
                            : "could not be connected to (" + cause + ")", backoffMillis);
            scheduleProbe(target, loops.next(), backoffMillis);
        }
    }

    private void scheduleProbe(LiveTarget target, EventLoop loop, long delayMillis) {
        try {
            loop.schedule(() -> probe(target, loop, delayMillis), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The router is closing; nobody will pick the target again.
            target.readmit();
        }
    }

    private void probe(LiveTarget target, EventLoop loop, long delayMillis) {
        if (target.removed()) {
            // No table lists it: nothing to keep out. Should it come back, it comes back in service.
            target.readmit();
            return;
        }
        ChannelFuture connected;
        try {
            connected = probe.clone(loop).connect(target.socketAddress());
        } catch (RuntimeException e) {
            log.warn("probing target {} at {} failed to start", target.instance(), target.address(), e);
            scheduleProbe(target, loop, Math.min(delayMillis * 2, maxBackoffMillis));
            return;
        }
        connected.addListener(f -> {
            if (f.isSuccess()) {
                connected.channel().close();
                target.readmit();
                log.info("target {} at {} accepted a probe: back in service", target.instance(), target.address());
            } else {
                long next = Math.min(delayMillis * 2, maxBackoffMillis);
                log.debug("probe of target {} at {} failed ({}); next in {} ms", target.instance(), target.address(),
                        f.cause().toString(), next);
                if (!(f.cause() instanceof IOException)) {
                    // not the target's answer but the probe's own failure: say so, it would keep the target out
                    log.warn("probe of target {} at {} could not run: {}", target.instance(), target.address(),
                            f.cause().toString());
                }
                scheduleProbe(target, loop, next);
            }
        });
    }
}
