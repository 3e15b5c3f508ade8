package dev.cutover.router.proxy;

import dev.cutover.router.http.ChunkedFraming;
import dev.cutover.router.http.MalformedHttpException;
import dev.cutover.router.http.Method;
import dev.cutover.router.http.RequestHead;
import dev.cutover.router.http.ResponseHead;
import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.pool.BackendConnection;
import dev.cutover.router.pool.ConnectionPool;
import dev.cutover.router.pool.ResponseListener;
import dev.cutover.router.pool.TargetAtCapacityException;
import dev.cutover.router.routing.LiveTarget;
import dev.cutover.router.routing.RouteEntry;
import dev.cutover.router.routing.TargetPicker;
import dev.cutover.router.routing.TriedTargets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request proxied to a target, from picking the target to the last byte of the response.
 *
 * <pre>
 *   pick ──▶ connecting ──▶ head sent ──▶ body streamed ──▶ response relayed ──▶ done
 *    ▲            │ refused, or pooled connection found closed      │          └─ 101 ──▶ tunnel
 *    └────────────┘ (another untried target of the route; none left: 502)
 *    ▲                                                              │ closed before any response byte,
 *    └──────────────────────────────────────────────────────────────┘ and the request is idempotent without a body
 * </pre>
 *
 * <p>Retry is safe because nothing of the request body goes to a target before the head was written to it: the
 * client connection hands body bytes over only when this exchange asks ({@link ExchangeOwner#wantBody}), and it
 * asks once the head's write succeeded. After that the request is retried only when it can be replayed whole and
 * repeating it changes nothing: a GET, HEAD, OPTIONS or TRACE without a body whose target closed the connection
 * before any byte of its response reached the client (it crashed, or closed an idle connection as the request
 * arrived; a response head is held until its body starts, so a target that dies between the two counts).
 * Anything else that reached a target is never sent again.
 *
 * <p>Backpressure: the client's body is taken only while the target connection is writable, the target is read
 * only while the client connection is writable.
 *
 * <p>Threads: touched only by the client's event loop, which is also the loop of the target connection.
 */
final class Exchange implements ResponseListener, ChannelFutureListener {

    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    /** The tag of a request whose client closed its connection before the answer ended. */
    private static final String CLIENT_CLOSED = "client_closed";

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    /** How often one request may be replayed on another target after one died under it. */
    private static final int MAX_REPLAYS = 2;
    private static final byte[] CONTINUE = ForwardedHead.ascii("HTTP/1.1 100 Continue\r\n\r\n");

    private final ChannelHandlerContext client;
    private final ExchangeOwner owner;
    private final ProxyContext context;
    private final ConnectionPool pool;
    private final RequestHead head;
    /** The head written to each target tried; owned until the exchange ends. */
    private final ByteBuf targetHead;
    private final byte[] requestId;
    private final String clientIp;
    /** Whether the request may be sent again after a target took it and died without answering. */
    private final boolean replayable;
    private final long startNanos = System.nanoTime();
    private final TriedTargets tried = new TriedTargets();
    /** After the first replay: the target that closed, tried once more if the route has no other to try. */
    private LiveTarget sameTargetOnce;

    private RouteEntry route;
    private Failure lastFailure = Failure.NO_TARGET;
    private boolean staleConnectionRetried;
    private int replays;

    /** The target of the current attempt while that attempt counts as in flight to it. */
    private LiveTarget target;
    /** The group and target of the latest attempt, kept after it ends: what metrics and the access log name. */
    private RouteEntry.GroupEntry lastGroup;
    private LiveTarget lastTarget;
    private int status;
    private long bytes;
    /** The connection of the current attempt once acquired, until released. */
    private BackendConnection connection;

    private boolean headSent;
    /** Whether all of the request (head and body) was handed to the target connection. */
    private boolean requestComplete;
    private boolean waitingForWritability;
    private boolean responseStarted;
    /**
     * The client's response head, held until the first bytes of its body (or its end) arrive: an app that writes
     * its head and body separately and dies in between has then sent the client nothing, and the request can still
     * be answered, or replayed when that is safe.
     */
    private ByteBuf heldHead;
    /** Whether any byte of the response went to the client: from then on only closing the connection is left. */
    private boolean relayed;
    private boolean targetKeepAlive;
    private boolean clientKeepAlive;
    /** For an HTTP/1.0 client, the chunked framing of the response is read here and stripped. */
    private ChunkedFraming dechunk;
    private boolean done;
    /**
     * For a server-sent event stream, the target whose drain ends it and what its drain runs (on the thread applying
     * the table, handing itself to this loop); then, once it drains, the end of the grace. Null otherwise.
     */
    private LiveTarget streamFrom;
    private Runnable onStreamTargetDraining;
    private ScheduledFuture<?> streamEnd;

    Exchange(ChannelHandlerContext client, ExchangeOwner owner, ProxyContext context, RequestHead head,
            ByteBuf targetHead, byte[] requestId, String clientIp) {
        this.client = client;
        this.owner = owner;
        this.context = context;
        this.pool = context.pools().of(client.channel().eventLoop());
        this.head = head;
        this.targetHead = targetHead;
        this.requestId = requestId;
        this.clientIp = clientIp;
        this.replayable = head.method().replayable() && !head.hasBody();
        this.requestComplete = !head.hasBody();
    }

    void start(RouteEntry firstRoute) {
        route = firstRoute;
        attempt();
    }

    private void attempt() {
        LiveTarget picked;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            RouteEntry.GroupEntry group = TargetPicker.pickGroup(route, tried, random);
            picked = group == null ? null : TargetPicker.pickTarget(group, tried, random);
            if (picked == null && sameTargetOnce != null) {
                tried.remove(sameTargetOnce);
                sameTargetOnce = null;
                continue;
            }
            if (picked == null) {
                finishUnsent(lastFailure);
                return;
            }
            lastGroup = group;
            lastTarget = picked;
            tried.add(picked);
            if (picked.tryStartRequest()) {
                break;
            }
            // A newer table stopped this target after we read the snapshot: pick from the newest one.
            refreshRoute();
        }
        target = picked;
        // A retry takes a new connection: the pooled ones may be closing as the one that failed was (a target that
        // closes its keep-alive connections after so many requests, or when idle, closes them all alike), and the
        // most recently pooled is the likeliest to be the next to go.
        BackendConnection pooled = replays == 0 && !staleConnectionRetried ? pool.pollIdle(picked) : null;
        if (pooled != null) {
            send(pooled);
            return;
        }
        LiveTarget attempted = picked;
        Future<BackendConnection> connecting = pool.connect(attempted);
        if (connecting.isDone()) {
            onConnected(connecting, attempted);
        } else {
            connecting.addListener(f -> onConnected(connecting, attempted));
        }
    }

    private void refreshRoute() {
        RouteEntry current = context.routing().get().resolve(head);
        if (current != null) {
            route = current;
        }
    }

    private void retry() {
        refreshRoute();
        attempt();
    }

    private void onConnected(Future<BackendConnection> connecting, LiveTarget attempted) {
        if (done || target != attempted) {
            // The client went away while we were connecting; the attempt already ended.
            if (connecting.isSuccess()) {
                pool.release(connecting.getNow(), true);
            }
            return;
        }
        if (!connecting.isSuccess()) {
            boolean atCapacity = connecting.cause() instanceof TargetAtCapacityException;
            // a target that failed holding the request says more of the end than a refused connection after it
            if (lastFailure != Failure.TARGET_FAILED && (!atCapacity || lastFailure != Failure.CONNECT_FAILED)) {
                lastFailure = atCapacity ? Failure.TARGETS_AT_CAPACITY : Failure.CONNECT_FAILED;
            }
            log.debug("could not connect to target {} at {}: {}", attempted.instance(), attempted.address(),
                    connecting.cause().toString());
            if (!atCapacity) {
                context.health().connectFailed(attempted, connecting.cause());
            }
            endAttempt(false, !atCapacity);
            retry();
            return;
        }
        send(connecting.getNow());
    }

    private void send(BackendConnection acquired) {
        connection = acquired;
        acquired.attach(this, head.method() == Method.HEAD);
        acquired.channel().writeAndFlush(targetHead.retainedDuplicate()).addListener(this);
    }

    /** The head's write to the target ended. */
    @Override
    public void operationComplete(ChannelFuture written) {
        if (done || connection == null || connection.channel() != written.channel()) {
            return;
        }
        if (!written.isSuccess()) {
            lostBeforeSending();
            return;
        }
        headSent = true;
        if (!requestComplete) {
            if (head.expectContinue()) {
                client.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), client.voidPromise());
            }
            takeBody();
        } else {
            // A bodyless request is sent a few microseconds after it started: its start is a close enough origin
            // for a timeout of seconds, and saves reading the clock again.
            connection.awaitResponse(startNanos + context.responseTimeoutNanos());
        }
    }

    private void takeBody() {
        if (connection.channel().isWritable()) {
            owner.wantBody();
        } else {
            waitingForWritability = true;
        }
    }

    /**
     * The connection closed before the head was written: nothing of the request reached the target, so another
     * target may take it. A pooled connection the target closed while idle is the usual cause, and the same target
     * may then well accept a new connection: it gets one more chance.
     */
    private void lostBeforeSending() {
        BackendConnection lost = connection;
        connection = null;
        if (lost != null) {
            pool.release(lost, false);
        }
        LiveTarget attempted = target;
        endAttempt(false, false);
        if (!staleConnectionRetried && attempted != null) {
            staleConnectionRetried = true;
            tried.remove(attempted);
        }
        if (lastFailure != Failure.TARGET_FAILED) {
            lastFailure = Failure.CONNECT_FAILED;
        }
        retry();
    }

    /** The target died holding a request that may be sent again: count the failure and try another target. */
    private void replay() {
        replays++;
        log.debug("request {}: target {} closed the connection before answering; replaying the {} on another target",
                requestIdText(), target, head.method());
        if (replays == 1) {
            sameTargetOnce = target; // when there is no other, a new connection to it may well answer
        }
        BackendConnection lost = connection;
        connection = null;
        if (lost != null) {
            pool.release(lost, false);
        }
        endAttempt(false, true);
        headSent = false;
        responseStarted = false;
        releaseHeldHead();
        lastFailure = Failure.TARGET_FAILED;
        retry();
    }

    /**
     * Bytes of the request body, handed over because this exchange asked for them.
     *
     * @return whether it takes more at once (the target connection is still writable)
     */
    boolean onRequestBody(ByteBuf part, boolean last) {
        if (done || connection == null) {
            part.release();
            return false;
        }
        requestComplete |= last;
        // A failed write closes the target connection, which reports through onConnectionClosed.
        connection.channel().writeAndFlush(part, connection.channel().voidPromise());
        if (last) {
            connection.awaitResponse(System.nanoTime() + context.responseTimeoutNanos());
            return false;
        }
        if (connection.channel().isWritable()) {
            return true;
        }
        waitingForWritability = true;
        return false;
    }

    /** Whether any of the response was relayed to the client, so that the router can no longer answer instead. */
    boolean responseStarted() {
        return relayed;
    }

    void onClientWritabilityChanged(boolean writable) {
        if (!done && connection != null && responseStarted) {
            connection.channel().config().setAutoRead(writable);
        }
    }

    @Override
    public void onTargetWritabilityChanged(boolean writable) {
        if (writable && waitingForWritability && !done) {
            waitingForWritability = false;
            owner.wantBody();
        }
    }

    @Override
    public void onResponseHead(ResponseHead response) {
        if (done) {
            return;
        }
        if (response.status() == 101) {
            upgrade(response);
            return;
        }
        responseStarted = true;
        status = response.status();
        targetKeepAlive = response.keepAlive();
        boolean http10 = head.http10();
        if (http10 && response.framing() == ResponseHead.Framing.CHUNKED) {
            dechunk = new ChunkedFraming();
        }
        // A response from a target that stopped taking new requests (it drains) tells the client to go: its next
        // request opens a new connection, which the router sends elsewhere.
        // So does one that comes before the end of a request body too long to read and drop.
        clientKeepAlive = head.keepAlive() && !owner.closing() && dechunk == null
                && response.framing() != ResponseHead.Framing.UNTIL_CLOSE && lastTarget.takesNewRequests()
                && (requestComplete || owner.restOfBodyDroppable());
        heldHead = ForwardedHead.toClient(client.alloc(), response, requestId, clientKeepAlive, http10);
        if (response.eventStream()) {
            watchDrainOf(lastTarget);
        }
    }

    /**
     * A server-sent event stream lasts as long as its client stays, so a drain of its target would wait for it until
     * the stop timeout. Like a WebSocket, it gets a grace period once the target drains, then ends (its connection
     * closes); an EventSource reconnects, and its new request goes to a target that takes requests.
     */
    private void watchDrainOf(LiveTarget streaming) {
        streamFrom = streaming;
        onStreamTargetDraining = () -> client.channel().eventLoop().execute(this::streamTargetDraining);
        streaming.onStopTakingRequests(onStreamTargetDraining);
        if (!streaming.takesNewRequests()) {
            streamTargetDraining();
        }
    }

    private void streamTargetDraining() {
        if (!done && streamEnd == null) {
            streamEnd = client.channel().eventLoop().schedule(this::endStream, context.tunnelDrainGraceNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** The grace after the stream's target began to drain is over: what was relayed goes out, then both close. */
    private void endStream() {
        if (done) {
            return;
        }
        log.debug("request {}: event stream from draining target {} ended after the grace", requestIdText(), target);
        streamEnd = null;
        // relayed chunked and cut between two chunks: the client gets a proper end (a last chunk) before the close,
        // so that it sees a finished response rather than a broken one
        boolean endable = dechunk == null && connection != null && connection.betweenChunks();
        endUnreusable();
        endAttempt(true, false);
        record(status, null);
        relayHead();
        if (endable) {
            client.write(client.alloc().buffer(5).writeBytes(LAST_CHUNK), client.voidPromise());
        }
        client.flush();
        owner.exchangeBroken();
    }

    /**
     * Ends the exchange with its target connection cut short, so not reusable: off the drain watch, the target head
     * freed, the connection closed.
     */
    private void endUnreusable() {
        done = true;
        stopWatchingDrain();
        targetHead.release();
        BackendConnection used = connection;
        connection = null;
        if (used != null) {
            pool.release(used, false);
        }
    }

    private void stopWatchingDrain() {
        if (onStreamTargetDraining != null) {
            streamFrom.forgetStopTakingRequests(onStreamTargetDraining);
            onStreamTargetDraining = null;
            streamFrom = null;
        }
        if (streamEnd != null) {
            streamEnd.cancel(false);
            streamEnd = null;
        }
    }

    /** A 101: the client and the target now talk WebSocket through a tunnel that takes both connections over. */
    private void upgrade(ResponseHead response) {
        if (!head.webSocket()) {
            // RFC 9110 section 15.2.2: a server switches only to a protocol the client's Upgrade asked for
            log.debug("request {}: target {} switched protocols unasked", requestIdText(), target);
            failAfterSending(Failure.BAD_RESPONSE);
            return;
        }
        done = true;
        status = 101;
        record(101, null);
        targetHead.release();
        BackendConnection used = connection;
        connection = null;
        // The tunnel keeps the request in flight to its target until it closes, so a drain waits for it.
        Tunnel tunnel = new Tunnel(client, used, target, context);
        target = null;
        used.handOver(tunnel);
        client.writeAndFlush(ForwardedHead.toClient(client.alloc(), response, requestId, true, false),
                client.voidPromise());
        owner.upgraded(tunnel);
        tunnel.start();
    }

    @Override
    public void onResponseBody(ByteBuf part, boolean last) {
        if (done || !responseStarted) {
            part.release();
            if (!done) {
                failAfterSending(Failure.TARGET_FAILED);
            }
            return;
        }
        bytes += part.readableBytes();
        if (dechunk != null) {
            ByteBuf data = unframe(part);
            if (data == null) {
                return;
            }
            part = data;
        }
        if (last) {
            complete(part);
            return;
        }
        if (!part.isReadable()) {
            part.release();
            return;
        }
        relayHead();
        client.write(part, client.voidPromise());
        if (!client.channel().isWritable()) {
            connection.channel().config().setAutoRead(false);
        }
    }

    /** The data of the chunks in {@code part}, without their framing; null when the framing is broken (handled). */
    private ByteBuf unframe(ByteBuf part) {
        ByteBuf data = client.alloc().buffer(part.readableBytes());
        try {
            dechunk.feed(part, part.readerIndex(), part.writerIndex(), (buf, index, length) ->
                    data.writeBytes(buf, index, length));
            return data;
        } catch (MalformedHttpException e) {
            data.release();
            log.debug("request {}: target {} sent broken chunks: {}", requestIdText(), target, e.getMessage());
            failAfterSending(Failure.TARGET_FAILED);
            return null;
        } finally {
            part.release();
        }
    }

    /** Writes the held response head: the response is the client's from here on. */
    private void relayHead() {
        if (heldHead != null) {
            client.write(heldHead, client.voidPromise());
            heldHead = null;
            relayed = true;
        }
    }

    @Override
    public void onResponseReadComplete() {
        if (!done) {
            client.flush();
        }
    }

    @Override
    public void onConnectionClosed() {
        if (done) {
            return;
        }
        if (!headSent) {
            lostBeforeSending();
        } else if (replayable && requestComplete && !relayed && replays < MAX_REPLAYS) {
            replay();
        } else {
            log.debug("request {}: target {} closed the connection", requestIdText(), target);
            failAfterSending(Failure.TARGET_FAILED);
        }
    }

    @Override
    public void onResponseMalformed(String reason, boolean tooLarge) {
        if (!done) {
            log.debug("request {}: target {} sent a malformed response: {}", requestIdText(), target, reason);
            connection = null; // already closed by itself
            failAfterSending(tooLarge ? Failure.RESPONSE_HEAD_TOO_LARGE : Failure.BAD_RESPONSE);
        }
    }

    @Override
    public void onResponseTimeout() {
        if (!done && !responseStarted) {
            log.debug("request {}: target {} sent no response in {} ms", requestIdText(), target,
                    context.responseTimeoutNanos() / 1_000_000);
            failAfterSending(Failure.RESPONSE_TIMEOUT);
        }
    }

    /** The target's part is over: count it and free its connection, then finish the client's response. */
    private void complete(ByteBuf last) {
        done = true;
        stopWatchingDrain();
        long now = System.nanoTime();
        targetHead.release();
        BackendConnection used = connection;
        connection = null;
        endAttempt(true, false);
        // A target that answered before reading the whole body left the connection mid-request: not reusable.
        pool.release(used, targetKeepAlive && requestComplete, now);
        // Counted before the last write, so that a client that has its response also sees it counted.
        recordTagged(status, null, now);
        if (heldHead != null && last.readableBytes() <= ForwardedHead.SMALL_BODY
                && heldHead.writableBytes() >= last.readableBytes()) {
            // The whole response arrived at once: head and body leave in one buffer.
            heldHead.writeBytes(last);
            last.release();
            last = Unpooled.EMPTY_BUFFER;
        }
        relayHead();
        if (clientKeepAlive) {
            if (last.isReadable()) {
                client.write(last, client.voidPromise());
            } else {
                last.release();
            }
            client.flush();
            owner.exchangeSucceeded(null, true, now);
        } else {
            owner.exchangeSucceeded(client.writeAndFlush(last), false, now);
        }
    }

    /** The request went out (at least its head), then the target failed: never retried. */
    private void failAfterSending(Failure failure) {
        endUnreusable();
        endAttempt(false, failure.countsAgainstTarget());
        releaseHeldHead();
        if (relayed) {
            record(status, failure);
            owner.exchangeBroken();
        } else {
            record(failure.status(), failure);
            owner.exchangeFailed(failure, route.environment());
        }
    }

    /** No target took the request; nothing of it was sent anywhere. */
    private void finishUnsent(Failure failure) {
        done = true;
        targetHead.release();
        record(failure.status(), failure);
        owner.exchangeFailed(failure, route.environment());
    }

    /**
     * The client closed its connection before the exchange ended: logged and counted with the status relayed, or
     * 499 (nginx's word for it) when none was, and the tag {@code client_closed}, then aborted.
     */
    void clientGone() {
        if (!done) {
            recordTagged(relayed ? status : 499, CLIENT_CLOSED, System.nanoTime());
            abort();
        }
    }

    /**
     * The client stopped sending its body or reading its response for the idle timeout: logged with the status
     * relayed, or the 408 the client gets when none was, and {@code client_timeout}, then aborted.
     */
    void clientTimedOut() {
        if (!done) {
            recordTagged(relayed ? status : Failure.CLIENT_TIMEOUT.status(), Failure.CLIENT_TIMEOUT.tag(),
                    System.nanoTime());
            abort();
        }
    }

    /**
     * The client's request body went wrong before any response came ({@code failure}: malformed, or over the
     * route's limit): counted and logged as this request's answer, then aborted like {@link #abort()}.
     */
    void refuse(Failure failure) {
        if (!done) {
            record(failure.status(), failure);
            abort();
        }
    }

    /** The client went away or broke the protocol: give everything back. */
    void abort() {
        if (done) {
            return;
        }
        endUnreusable();
        endAttempt(false, false);
        releaseHeldHead();
    }

    private void releaseHeldHead() {
        if (heldHead != null) {
            heldHead.release();
            heldHead = null;
        }
    }

    /** Counts the answered request in its group's metrics (the route's when no group was picked) and logs it. */
    private void record(int answeredStatus, Failure failure) {
        recordTagged(answeredStatus, failure == null ? null : failure.tag(), System.nanoTime());
    }

    /** The same, with a tag that is no {@link Failure}'s (a client that went away) or none. */
    private void recordTagged(int answeredStatus, String tag, long nowNanos) {
        long nanos = nowNanos - startNanos;
        (lastGroup != null ? lastGroup.metrics() : route.unpicked()).record(answeredStatus, nanos, tag);
        AccessLog accessLog = context.accessLog();
        if (accessLog != null) {
            accessLog.log(requestIdText(), clientIp, head.methodText(), head.target(), head.host(), answeredStatus,
                    bytes, nanos, route.environment(), lastGroup == null ? null : lastGroup.name(),
                    lastTarget == null ? null : lastTarget.instance(), tag);
        }
    }

    private void endAttempt(boolean completed, boolean failed) {
        if (target != null) {
            target.endRequest(completed, failed);
            target = null;
        }
    }

    private String requestIdText() {
        return new String(requestId, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
