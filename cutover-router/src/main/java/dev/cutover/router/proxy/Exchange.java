package dev.cutover.router.proxy;

import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.pool.BackendConnection;
import dev.cutover.router.pool.ConnectionPool;
import dev.cutover.router.pool.ResponseListener;
import dev.cutover.router.pool.TargetAtCapacityException;
import dev.cutover.router.routing.LiveTarget;
import dev.cutover.router.routing.RouteEntry;
import dev.cutover.router.routing.TargetPicker;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.HashSet;
import java.util.Set;
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
 *    ▲            │ refused, or pooled connection found closed      │
 *    └────────────┘ (another untried target of the route; none left: 502)
 *    ▲                                                              │ closed before any response byte,
 *    └──────────────────────────────────────────────────────────────┘ and the request is idempotent without a body
 * </pre>
 *
 * <p>Retry is safe because nothing of the request body is read from the client before the head was written to a
 * target: the client channel reads only when asked ({@code autoRead} off, one message per read), and the first
 * read for the body happens when the head's write succeeded. After that the request is retried only when it can be
 * replayed whole and repeating it changes nothing: a GET, HEAD, OPTIONS or TRACE without a body whose target closed
 * the connection before any byte of its response reached the client (it crashed, or closed an idle connection as the
 * request arrived; a response head is held until its body starts, so a target that dies between the two counts).
 * Anything else that reached a target is never sent again.
 *
 * <p>Backpressure: the client is read only while the target connection is writable, the target only while the
 * client connection is writable.
 *
 * <p>Threads: touched only by the client's event loop, which is also the loop of the target connection.
 */
final class Exchange implements ResponseListener {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    private static final Set<HttpMethod> IDEMPOTENT =
            Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);
    /** How often one request may be replayed on another target after one died under it. */
    private static final int MAX_REPLAYS = 2;

    private final ChannelHandlerContext client;
    private final ExchangeOwner owner;
    private final ProxyContext context;
    private final ConnectionPool pool;
    private final String host;
    private final String path;
    private final HttpRequest targetHead;
    private final HttpVersion clientVersion;
    private final boolean clientWantsKeepAlive;
    private final boolean headRequest;
    /** Whether the request may be sent again after a target took it and died without answering. */
    private final boolean replayable;
    private final String requestId;
    private final String clientIp;
    private final String method;
    private final String uri;
    private final long startNanos = System.nanoTime();
    private final Set<LiveTarget> tried = new HashSet<>(4);

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
    private ScheduledFuture<?> responseTimeout;

    private boolean headSent;
    private boolean requestComplete;
    private boolean waitingForWritability;
    private boolean responseStarted;
    /**
     * The response head, held until the first bytes of its body (or its end) arrive: an app that writes its head
     * and body separately and dies in between has then sent the client nothing, and the request can still be
     * answered, or replayed when that is safe.
     */
    private HttpResponse heldHead;
    /** Whether any byte of the response went to the client: from then on only closing the connection is left. */
    private boolean relayed;
    private boolean skippingInterim;
    private boolean targetKeepAlive;
    private boolean clientKeepAlive;
    private boolean done;

    Exchange(ChannelHandlerContext client, ExchangeOwner owner, ProxyContext context, HttpRequest request,
            String host, String path, String clientIp, String requestId) {
        this.client = client;
        this.owner = owner;
        this.context = context;
        this.pool = context.pools().of(client.channel().eventLoop());
        this.host = host;
        this.path = path;
        this.requestId = requestId;
        this.clientIp = clientIp;
        this.method = request.method().name();
        this.uri = request.uri();
        this.clientVersion = request.protocolVersion();
        this.clientWantsKeepAlive = HttpUtil.isKeepAlive(request);
        this.headRequest = HttpMethod.HEAD.equals(request.method());
        this.replayable = IDEMPOTENT.contains(request.method()) && !HttpUtil.isTransferEncodingChunked(request)
                && HttpUtil.getContentLength(request, 0L) == 0L;
        this.targetHead = ForwardedHeaders.toTarget(request, clientIp, requestId);
    }

    void start(RouteEntry firstRoute) {
        route = firstRoute;
        attempt();
    }

    private void attempt() {
        LiveTarget picked;
        while (true) {
            RouteEntry.GroupEntry group = TargetPicker.pickGroup(route, tried, ThreadLocalRandom.current());
            picked = group == null ? null : TargetPicker.pickTarget(group, tried, ThreadLocalRandom.current());
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
        LiveTarget attempted = picked;
        target = attempted;
        Future<BackendConnection> acquired = pool.acquire(attempted);
        if (acquired.isDone()) {
            onAcquired(acquired, attempted);
        } else {
            acquired.addListener(f -> onAcquired(acquired, attempted));
        }
    }

    private void refreshRoute() {
        RouteEntry current = context.routing().get().resolve(host, path);
        if (current != null) {
            route = current;
        }
    }

    private void retry() {
        refreshRoute();
        attempt();
    }

    private void onAcquired(Future<BackendConnection> acquired, LiveTarget attempted) {
        if (done || target != attempted) {
            // The client went away while we were connecting; the attempt already ended.
            if (acquired.isSuccess()) {
                pool.release(acquired.getNow(), true);
            }
            return;
        }
        if (!acquired.isSuccess()) {
            boolean atCapacity = acquired.cause() instanceof TargetAtCapacityException;
            if (!atCapacity || lastFailure != Failure.CONNECT_FAILED) {
                lastFailure = atCapacity ? Failure.TARGETS_AT_CAPACITY : Failure.CONNECT_FAILED;
            }
            log.debug("request {}: could not connect to target {} at {}: {}", requestId, attempted.instance(),
                    attempted.address(), acquired.cause().toString());
            if (!atCapacity) {
                context.health().connectFailed(attempted);
            }
            endAttempt(false, !atCapacity);
            retry();
            return;
        }
        BackendConnection acquiredConnection = acquired.getNow();
        connection = acquiredConnection;
        acquiredConnection.attach(this);
        if (requestComplete) {
            // A replay: the client's (empty) body was read for the first attempt; end the request here.
            acquiredConnection.channel().write(targetHead);
            acquiredConnection.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                    .addListener(f -> onHeadWritten(f.isSuccess(), acquiredConnection));
            return;
        }
        acquiredConnection.channel().writeAndFlush(targetHead)
                .addListener(f -> onHeadWritten(f.isSuccess(), acquiredConnection));
    }

    private void onHeadWritten(boolean success, BackendConnection written) {
        if (done || connection != written) {
            return;
        }
        if (!success) {
            lostBeforeSending();
            return;
        }
        headSent = true;
        if (!requestComplete) {
            readRequestBody();
        }
        startResponseTimeout();
    }

    /** The response timeout runs from the moment the whole request was sent: a slow upload is not the target's fault. */
    private void startResponseTimeout() {
        if (!done && headSent && requestComplete && !responseStarted && responseTimeout == null) {
            responseTimeout = client.executor().schedule(this::onResponseTimeout, context.responseTimeoutMillis(),
                    TimeUnit.MILLISECONDS);
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
        if (lastFailure != Failure.CONNECT_FAILED) {
            lastFailure = Failure.CONNECT_FAILED;
        }
        retry();
    }

    /** The target died holding a request that may be sent again: count the failure and try another target. */
    private void replay() {
        replays++;
        log.debug("request {}: target {} closed the connection before answering; replaying the {} on another target",
                requestId, target, targetHead.method());
        cancelResponseTimeout();
        BackendConnection lost = connection;
        connection = null;
        if (lost != null) {
            pool.release(lost, false);
        }
        endAttempt(false, true);
        headSent = false;
        responseStarted = false;
        skippingInterim = false;
        heldHead = null;
        lastFailure = Failure.TARGET_FAILED;
        retry();
    }

    private void readRequestBody() {
        if (connection.channel().isWritable()) {
            client.read();
        } else {
            waitingForWritability = true;
        }
    }

    /** A part of the request body, read because this exchange asked for it. */
    void onRequestContent(HttpContent content) {
        if (done || connection == null) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        requestComplete |= last;
        // A failed write closes the target connection, which reports through onConnectionClosed.
        connection.channel().writeAndFlush(content);
        if (last) {
            startResponseTimeout();
        } else {
            readRequestBody();
        }
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
            client.read();
        }
    }

    @Override
    public void onResponsePart(HttpObject part) {
        if (done) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (part.decoderResult().isFailure()) {
            log.debug("request {}: target {} sent a malformed response: {}", requestId, target,
                    part.decoderResult().cause().toString());
            ReferenceCountUtil.release(part);
            failAfterSending(Failure.TARGET_FAILED);
            return;
        }
        if (part instanceof HttpResponse response && !onResponseHead(response)) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (part instanceof HttpContent content) {
            onResponseContent(content);
        }
    }

    /** Relays the head of the final response; returns false when the part is to be dropped. */
    private boolean onResponseHead(HttpResponse response) {
        int code = response.status().code();
        if (code == 101) {
            // The Upgrade header is never forwarded, so a switch of protocols is a broken target.
            failAfterSending(Failure.TARGET_FAILED);
            return false;
        }
        if (code >= 100 && code < 200) {
            // 100 Continue (the router answers Expect itself) or 103 Early Hints: not relayed.
            skippingInterim = true;
            return false;
        }
        cancelResponseTimeout();
        responseStarted = true;
        status = code;
        boolean bodyless = headRequest || code == 204 || code == 304;
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean framed = bodyless || chunked || HttpUtil.isContentLengthSet(response);
        boolean chunkedToHttp10 = chunked && !bodyless && clientVersion.equals(HttpVersion.HTTP_1_0);
        targetKeepAlive = framed && HttpUtil.isKeepAlive(response);
        clientKeepAlive = clientWantsKeepAlive && requestComplete && framed && !chunkedToHttp10 && !owner.closing();
        heldHead = ForwardedHeaders.toClient(response, clientVersion, requestId, clientKeepAlive);
        return true;
    }

    /** Sends the held response head: the client sees the response from here on. */
    private void relayHead() {
        if (heldHead != null) {
            client.write(heldHead);
            heldHead = null;
            relayed = true;
        }
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (skippingInterim) {
            content.release();
            skippingInterim = !last;
            return;
        }
        if (!responseStarted) {
            content.release();
            failAfterSending(Failure.TARGET_FAILED);
            return;
        }
        bytes += content.content().readableBytes();
        if (last) {
            complete(content);
            return;
        }
        relayHead();
        client.write(content);
        if (!client.channel().isWritable()) {
            connection.channel().config().setAutoRead(false);
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
            log.debug("request {}: target {} closed the connection", requestId, target);
            failAfterSending(Failure.TARGET_FAILED);
        }
    }

    private void onResponseTimeout() {
        if (!done && !responseStarted) {
            log.debug("request {}: target {} sent no response in {} ms", requestId, target,
                    context.responseTimeoutMillis());
            failAfterSending(Failure.RESPONSE_TIMEOUT);
        }
    }

    /** The target's part is over: count it and free its connection, then finish the client's response. */
    private void complete(HttpContent last) {
        done = true;
        cancelResponseTimeout();
        BackendConnection used = connection;
        connection = null;
        endAttempt(true, false);
        // A target that answered before reading the whole body left the connection mid-request: not reusable.
        pool.release(used, targetKeepAlive && requestComplete);
        // Counted before the last write, so that a client that has its response also sees it counted.
        record(status, null);
        relayHead();
        ChannelFuture lastWrite = client.writeAndFlush(last);
        owner.exchangeSucceeded(lastWrite, clientKeepAlive);
    }

    /** The request went out (at least its head), then the target failed: never retried. */
    private void failAfterSending(Failure failure) {
        done = true;
        cancelResponseTimeout();
        BackendConnection used = connection;
        connection = null;
        if (used != null) {
            pool.release(used, false);
        }
        endAttempt(false, failure.countsAgainstTarget());
        heldHead = null;
        if (relayed) {
            record(status, failure);
            owner.exchangeBroken();
        } else {
            record(failure.status().code(), failure);
            owner.exchangeFailed(failure, route.environment(), requestComplete);
        }
    }

    /** No target took the request; nothing of it was sent anywhere. */
    private void finishUnsent(Failure failure) {
        done = true;
        record(failure.status().code(), failure);
        owner.exchangeFailed(failure, route.environment(), requestComplete);
    }

    /** The client went away or broke the protocol: give everything back. */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        cancelResponseTimeout();
        BackendConnection used = connection;
        connection = null;
        if (used != null) {
            pool.release(used, false);
        }
        endAttempt(false, false);
    }

    /** Counts the answered request in its group's metrics (the route's when no group was picked) and logs it. */
    private void record(int answeredStatus, Failure failure) {
        long nanos = System.nanoTime() - startNanos;
        String tag = failure == null ? null : failure.tag();
        (lastGroup != null ? lastGroup.metrics() : route.unpicked()).record(answeredStatus, nanos, tag);
        AccessLog accessLog = context.accessLog();
        if (accessLog != null) {
            accessLog.log(requestId, clientIp, method, uri, host, answeredStatus, bytes, nanos, route.environment(),
                    lastGroup == null ? null : lastGroup.name(), lastTarget == null ? null : lastTarget.instance(), tag);
        }
    }

    private void endAttempt(boolean completed, boolean failed) {
        if (target != null) {
            target.endRequest(completed, failed);
            target = null;
        }
    }

    private void cancelResponseTimeout() {
        if (responseTimeout != null) {
            responseTimeout.cancel(false);
            responseTimeout = null;
        }
    }
}
