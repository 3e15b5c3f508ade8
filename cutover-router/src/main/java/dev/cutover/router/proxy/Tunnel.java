package dev.cutover.router.proxy;

import dev.cutover.router.http.ResponseHead;
import dev.cutover.router.pool.BackendConnection;
import dev.cutover.router.pool.ResponseListener;
import dev.cutover.router.routing.LiveTarget;
import dev.cutover.router.timeout.LazyTimer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * A WebSocket after its handshake: the bytes of the client and of the target passed through both ways, with
 * backpressure (each side is read only while the other can take more). The tunnel counts as a request in flight to
 * its target until it closes, so a drain waits for it.
 *
 * <p>When its target drains (or the router closes), the tunnel lets messages in flight go by for a grace period,
 * then ends the WebSocket properly: at the next frame boundary of each direction it sends a close frame (1001, going
 * away) in the name of the other side, drops what follows in that direction, and closes both connections after a
 * short linger (2 s), or when a side closes its own. A client then reconnects, and its handshake goes to an active
 * target.
 *
 * <pre>
 *   open ──target drains──▶ grace ──grace over, or router closing──▶ closing ──▶ closed
 *     └──────────── idle timeout, either side closed ──────────────────────────▶ closed
 * </pre>
 *
 * <p>Threads: touched only by the client's event loop, which is also the loop of the target connection; the
 * drain notice comes from the thread applying a table and is handed to that loop.
 */
final class Tunnel implements ResponseListener {

    private static final long LINGER_NANOS = 2_000_000_000L;

    private enum Phase { OPEN, GRACE, CLOSING, CLOSED }

    private final ChannelHandlerContext client;
    private final BackendConnection backend;
    private final Channel targetChannel;
    private final LiveTarget target;
    private final ProxyContext context;
    private final WebSocketFrames toClient = new WebSocketFrames();
    private final WebSocketFrames toTarget = new WebSocketFrames();
    private final LazyTimer timer;
    private final Runnable onDrain;
    private Phase phase = Phase.OPEN;
    private long lastActivity = System.nanoTime();
    private boolean closeSentToClient;
    private boolean closeSentToTarget;
    private boolean clientReadPaused;

    Tunnel(ChannelHandlerContext client, BackendConnection backend, LiveTarget target, ProxyContext context) {
        this.client = client;
        this.backend = backend;
        this.targetChannel = backend.channel();
        this.target = target;
        this.context = context;
        this.timer = new LazyTimer(client.channel().eventLoop(), this::onTimer);
        this.onDrain = () -> client.channel().eventLoop().execute(this::targetDraining);
    }

    void start() {
        if (phase == Phase.CLOSED) {
            return;
        }
        target.onStopTakingRequests(onDrain);
        if (!target.takesNewRequests()) {
            targetDraining();
        }
        timer.arm(lastActivity + context.tunnelIdleTimeoutNanos());
        if (!targetChannel.config().isAutoRead()) {
            targetChannel.config().setAutoRead(true);
        }
        readClient(true);
    }

    /** The client is read while the target can take more (or nothing goes to it any more). */
    private void readClient(boolean read) {
        if (client.channel().config().isAutoRead() != read) {
            client.channel().config().setAutoRead(read);
        }
    }

    /** Bytes from the client, for the target. */
    void fromClient(ByteBuf buf) {
        if (phase == Phase.CLOSED || closeSentToTarget) {
            buf.release();
            readClient();
            return;
        }
        lastActivity = System.nanoTime();
        if (phase == Phase.CLOSING) {
            int cut = toTarget.read(buf, buf.readerIndex(), buf.writerIndex(), true);
            if (cut >= 0) {
                targetChannel.write(buf.retainedSlice(buf.readerIndex(), cut - buf.readerIndex()),
                        targetChannel.voidPromise());
                buf.release();
                sendCloseToTarget();
                return;
            }
        } else {
            toTarget.read(buf, buf.readerIndex(), buf.writerIndex(), false);
        }
        targetChannel.writeAndFlush(buf, targetChannel.voidPromise());
        readClient();
    }

    private void readClient() {
        if (targetChannel.isWritable() || closeSentToTarget) {
            readClient(true);
        } else {
            clientReadPaused = true;
            readClient(false);
        }
    }

    /** Bytes from the target, for the client. */
    @Override
    public void onResponseBody(ByteBuf buf, boolean last) {
        if (phase == Phase.CLOSED || closeSentToClient) {
            buf.release();
            return;
        }
        lastActivity = System.nanoTime();
        if (phase == Phase.CLOSING) {
            int cut = toClient.read(buf, buf.readerIndex(), buf.writerIndex(), true);
            if (cut >= 0) {
                client.write(buf.retainedSlice(buf.readerIndex(), cut - buf.readerIndex()), client.voidPromise());
                buf.release();
                sendCloseToClient();
                return;
            }
        } else {
            toClient.read(buf, buf.readerIndex(), buf.writerIndex(), false);
        }
        client.writeAndFlush(buf, client.voidPromise());
        if (!client.channel().isWritable()) {
            targetChannel.config().setAutoRead(false);
        }
    }

    void onClientWritabilityChanged(boolean writable) {
        if (phase != Phase.CLOSED) {
            targetChannel.config().setAutoRead(writable);
        }
    }

    @Override
    public void onTargetWritabilityChanged(boolean writable) {
        if (writable && clientReadPaused && phase != Phase.CLOSED) {
            clientReadPaused = false;
            readClient(true);
        }
    }

    private void targetDraining() {
        if (phase == Phase.OPEN) {
            phase = Phase.GRACE;
            timer.armIn(context.tunnelDrainGraceNanos());
        }
    }

    /** Ends the WebSocket with close frames at the next frame boundary of each direction. */
    void goingAway() {
        if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSING;
        if (toClient.atBoundary()) {
            sendCloseToClient();
        }
        if (phase != Phase.CLOSED && toTarget.atBoundary()) {
            sendCloseToTarget();
        }
        if (phase != Phase.CLOSED) {
            timer.armIn(LINGER_NANOS);
        }
    }

    private void sendCloseToClient() {
        closeSentToClient = true;
        client.writeAndFlush(WebSocketFrames.goingAway(client.alloc(), false), client.voidPromise());
        // Nothing more goes to the client; keep reading the target so that its own close is consumed.
        targetChannel.config().setAutoRead(true);
        closeIfBothSent();
    }

    private void sendCloseToTarget() {
        closeSentToTarget = true;
        targetChannel.writeAndFlush(WebSocketFrames.goingAway(client.alloc(), true), targetChannel.voidPromise());
        readClient(true);
        closeIfBothSent();
    }

    private void closeIfBothSent() {
        if (closeSentToClient && closeSentToTarget) {
            // Both sides were told; give each a moment to answer with its own close, then close the connections.
            timer.armIn(LINGER_NANOS);
        }
    }

    private void onTimer() {
        switch (phase) {
            case OPEN -> {
                long idleFor = System.nanoTime() - lastActivity;
                if (idleFor >= context.tunnelIdleTimeoutNanos()) {
                    closeBoth();
                } else {
                    timer.arm(lastActivity + context.tunnelIdleTimeoutNanos());
                }
            }
            case GRACE -> goingAway();
            case CLOSING -> closeBoth();
            case CLOSED -> { }
        }
    }

    private void closeBoth() {
        end();
        client.flush();
        client.close();
        targetChannel.close();
    }

    /** The tunnel's request is over: out of flight for its target, off its drain notices. Idempotent. */
    private void end() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        timer.cancel();
        target.forgetStopTakingRequests(onDrain);
        target.endRequest(true, false);
    }

    /** The client closed its connection. */
    void clientClosed() {
        if (phase != Phase.CLOSED) {
            end();
            targetChannel.flush();
            targetChannel.close();
        }
    }

    @Override
    public void onConnectionClosed() {
        if (phase != Phase.CLOSED) {
            end();
            client.flush();
            client.close();
        }
    }

    @Override
    public void onResponseReadComplete() {
        client.flush();
    }

    @Override
    public void onResponseHead(ResponseHead head) {
        // A tunnel reads no heads: its connection passes bytes on.
    }

    @Override
    public void onResponseMalformed(String reason, boolean tooLarge) {
        onConnectionClosed();
    }

    @Override
    public void onResponseTimeout() {
        // No response timeout runs in a tunnel; the idle timeout does.
    }

    BackendConnection backend() {
        return backend;
    }
}
