package dev.cutover.router.proxy;

import dev.cutover.router.http.ChunkedFraming;
import dev.cutover.router.http.HeadScanner;
import dev.cutover.router.http.MalformedHttpException;
import dev.cutover.router.http.Method;
import dev.cutover.router.http.RequestHead;
import dev.cutover.router.metrics.AccessLog;
import dev.cutover.router.routing.RouteEntry;
import dev.cutover.router.timeout.LazyTimer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads request heads, routes each to an {@link Exchange} or answers it itself, hands the
 * exchange the request body as the target takes it, and keeps the connection alive between requests. A pipelined
 * request waits in the bytes already read until the response before it is done; a body is handed over only as fast
 * as the target takes it. The channel reads on its own (auto-read) until more than {@link #MAX_BUFFERED} bytes wait
 * here unconsumed, then stops until they are taken: so backpressure reaches the client, and a connection in the
 * usual request-response rhythm never pays for re-arming its socket's read interest (two epoll_ctl calls a request).
 *
 * <pre>
 *   head ──▶ body ──▶ awaiting response ──▶ head (keep-alive)
 *     │        │            ├──▶ discarding body ──▶ head (the target answered before the body ended)
 *     │        └────────────┴──▶ tunnel (a WebSocket handshake was accepted)
 *     └─ malformed, Connection: close, broken response, router closing, idle ──▶ closed
 * </pre>
 *
 * <p>Threads: touched only by the client channel's event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ExchangeOwner {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    /** The most body the router reads and drops to keep a connection open when a target answered early. */
    private static final long MAX_DISCARD = 1 << 20;
    /** Unconsumed bytes beyond which the connection stops reading until they are taken. */
    static final int MAX_BUFFERED = 64 * 1024;

    private enum State { HEAD, BODY, AWAIT_RESPONSE, DISCARD, TUNNEL, LINGER, CLOSED }

    /** A lingering close ends once the client has sent nothing for this long... */
    static final long LINGER_QUIET_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** ...or this long after it began, whatever the client sends. */
    static final long LINGER_MAX_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ProxyContext context;
    private final boolean tls;
    private ChannelHandlerContext ctx;
    private String clientIp = "unknown";
    private byte[] clientIpBytes = clientIp.getBytes(StandardCharsets.US_ASCII);
    private LazyTimer idle;
    private State state = State.HEAD;
    /** How the router closes, once it does: {@code null} while it serves. */
    private RouterClosing routerClosing;

    /** Bytes read and not yet consumed: the rest of a head, body bytes not yet taken, a pipelined request. */
    private ByteBuf in;
    private final HeadScanner scanner = HeadScanner.forRequests();
    /** Each request head is read into this one object; {@code head} points at it while a request is current. */
    private final RequestHead parsed = new RequestHead();
    private RequestHead head;
    private byte[] requestId;
    /** Where ids are made for requests that bring none: one request at a time uses it. */
    private final byte[] generatedId = new byte[32];
    private Exchange exchange;
    private Tunnel tunnel;
    private long bodyRemaining;
    private ChunkedFraming chunks;
    /** Data bytes of the current request body read so far (for chunked bodies, without the framing). */
    private long bodyRead;
    private final ChunkedFraming.DataSink countData = (buf, index, length) -> bodyRead += length;
    private long maxBody = -1;
    private boolean bodyWanted;
    private long discarded;
    private boolean processing;
    private boolean again;
    /** When the client last sent body bytes, or the router last began to want them. */
    private long lastBodyProgressNanos;
    /** Since when the client has not read what the router has for it; 0 while it does. */
    private long unwritableSinceNanos;
    /**
     * The client shut down its side (a FIN): it sends nothing more, but may still read. What it sent in full is
     * answered, then the connection closes; a head or body it left unfinished ends the connection at once.
     */
    private boolean inputEnded;
    /** While the connection lingers: when it began, and when the client last sent something. */
    private long lingerSinceNanos;
    private long lastInputNanos;

    ClientConnection(ProxyContext context, boolean tls) {
        this.context = context;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext channelContext) {
        ctx = channelContext;
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            clientIp = inet.getAddress().getHostAddress();
            clientIpBytes = clientIp.getBytes(StandardCharsets.US_ASCII);
        }
        idle = new LazyTimer(ctx.channel().eventLoop(), this::onIdle);
        idle.armIn(context.clientIdleTimeoutNanos());
        ctx.channel().config().setAutoRead(true);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext channelContext, Object msg) {
        if (!(msg instanceof ByteBuf buf) || state == State.CLOSED || state == State.LINGER) {
            ReferenceCountUtil.release(msg);
            lastInputNanos = System.nanoTime();
            return;
        }
        if (state == State.TUNNEL) {
            tunnel.fromClient(buf);
            return;
        }
        if (state == State.BODY) {
            lastBodyProgressNanos = System.nanoTime();
        }
        append(buf);
        process();
        if (in != null && in.readableBytes() > MAX_BUFFERED && state != State.CLOSED) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Runs the state machine until it must wait; calls made from inside it (by an exchange) loop here instead. */
    private void process() {
        if (processing) {
            again = true;
            return;
        }
        processing = true;
        try {
            do {
                again = false;
                step();
            } while (again);
        } finally {
            processing = false;
        }
    }

    private void step() {
        while (true) {
            boolean moved = switch (state) {
                case HEAD -> readHead();
                case BODY -> forwardBody();
                case DISCARD -> discardBody();
                case AWAIT_RESPONSE, TUNNEL, LINGER, CLOSED -> false;
            };
            if (!moved) {
                return;
            }
        }
    }

    private boolean readHead() {
        skipEmptyLines();
        if (in == null) {
            if (inputEnded) {
                closeAfterWrites(); // every request it sent is answered
            } else {
                readMore();
            }
            return false;
        }
        int length;
        try {
            length = scanner.find(in);
        } catch (MalformedHttpException e) {
            reject(Failure.of(e.kind()), e.getMessage());
            return false;
        }
        if (length < 0) {
            if (inputEnded) {
                closeAfterWrites(); // a head it will never finish
            } else {
                readMore();
            }
            return false;
        }
        scanner.reset();
        try {
            parsed.read(in, length);
        } catch (MalformedHttpException e) {
            reject(Failure.of(e.kind()), e.getMessage());
            return false;
        } finally {
            releaseIfConsumed();
        }
        idle.disarm();
        onRequest(parsed);
        if (state == State.BODY) {
            // a client that stops sending its body is timed like an idle one (onIdle)
            lastBodyProgressNanos = System.nanoTime();
            idle.arm(lastBodyProgressNanos + context.clientIdleTimeoutNanos());
        }
        return true;
    }

    /** Empty lines before a request line are ignored (RFC 9112 section 2.2): some clients end a body with CRLF. */
    private void skipEmptyLines() {
        while (in != null && in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b != '\r' && b != '\n') {
                return;
            }
            in.skipBytes(1);
            releaseIfConsumed();
        }
    }

    private void onRequest(RequestHead parsed) {
        head = parsed;
        requestId = ForwardedHead.requestId(parsed, generatedId);
        chunks = parsed.chunked() ? new ChunkedFraming() : null;
        bodyRemaining = parsed.chunked() ? -1 : Math.max(0, parsed.contentLength());
        bodyRead = 0;
        bodyWanted = false;
        state = parsed.hasBody() ? State.BODY : State.AWAIT_RESPONSE;
        RouteEntry route = context.routing().get().resolve(parsed);
        if (route == null) {
            context.metrics().unrouted(Failure.NO_ROUTE.tag());
            logOwnAnswer(parsed, requestId, Failure.NO_ROUTE.status(), null, Failure.NO_ROUTE.tag());
            respond(Failure.NO_ROUTE, parsed.host());
            return;
        }
        if (route.options().redirectHttps() && !tls) {
            route.unpicked().record(308, 0, null);
            logOwnAnswer(parsed, requestId, 308, route.environment(), null);
            redirectToHttps(parsed);
            return;
        }
        maxBody = route.options().maxBodyBytes();
        if (maxBody >= 0 && parsed.contentLength() > maxBody) {
            route.unpicked().record(Failure.BODY_TOO_LARGE.status(), 0, Failure.BODY_TOO_LARGE.tag());
            logOwnAnswer(parsed, requestId, Failure.BODY_TOO_LARGE.status(), route.environment(),
                    Failure.BODY_TOO_LARGE.tag());
            respond(Failure.BODY_TOO_LARGE, route.environment() + " takes request bodies of at most " + maxBody
                    + " bytes");
            return;
        }
        ByteBuf targetHead = ForwardedHead.toTarget(ctx.alloc(), parsed, clientIpBytes, tls, requestId);
        exchange = new Exchange(ctx, this, context, parsed, targetHead, requestId, clientIp);
        exchange.start(route);
    }

    private boolean forwardBody() {
        if (!bodyWanted || exchange == null) {
            return false;
        }
        if (in == null) {
            if (inputEnded) {
                bodyCutShort();
            } else {
                readMore();
            }
            return false;
        }
        int start = in.readerIndex();
        int end = in.writerIndex();
        int n;
        boolean last;
        if (chunks != null) {
            try {
                n = chunks.feed(in, start, end, countData) - start;
            } catch (MalformedHttpException e) {
                malformedBody(e.getMessage());
                return false;
            }
            last = chunks.done();
        } else {
            n = (int) Math.min(bodyRemaining, end - start);
            bodyRemaining -= n;
            last = bodyRemaining == 0;
            bodyRead += n;
        }
        if (maxBody >= 0 && bodyRead > maxBody) {
            bodyTooLarge();
            return false;
        }
        ByteBuf part = in.readRetainedSlice(n);
        releaseIfConsumed();
        if (last) {
            state = State.AWAIT_RESPONSE;
        }
        bodyWanted = exchange.onRequestBody(part, last);
        return true;
    }

    /**
     * The target got part of a request that will never end: its connection goes. The client gets a 400 unless part
     * of a response was already relayed to it.
     */
    private void malformedBody(String reason) {
        log.debug("request from {}: malformed body: {}", clientIp, reason);
        refuseBody(Failure.BAD_REQUEST, "malformed body: " + reason);
    }

    /** A chunked body passed the route's limit on the way: like a malformed one, the request cannot finish. */
    private void bodyTooLarge() {
        refuseBody(Failure.BODY_TOO_LARGE, "request body over " + maxBody + " bytes");
    }

    /** The body of a routed request went wrong: counted and logged as its route's, answered unless too late. */
    private void refuseBody(Failure failure, String reason) {
        Exchange cut = exchange;
        exchange = null;
        if (cut.responseStarted()) {
            cut.abort();
            closeNow();
            return;
        }
        cut.refuse(failure);
        answerAndClose(failure, reason);
    }

    /** Reads and drops what is left of a body the target did not wait for, then the next request. */
    private boolean discardBody() {
        if (in == null) {
            if (inputEnded) {
                closeAfterWrites(); // the response went out; the body it dropped will not end
            } else {
                readMore();
            }
            return false;
        }
        int start = in.readerIndex();
        int n;
        boolean last;
        if (chunks != null) {
            try {
                n = chunks.feed(in, start, in.writerIndex(), null) - start;
            } catch (MalformedHttpException e) {
                closeNow();
                return false;
            }
            last = chunks.done();
        } else {
            n = (int) Math.min(bodyRemaining, in.readableBytes());
            bodyRemaining -= n;
            last = bodyRemaining == 0;
        }
        discarded += n;
        in.skipBytes(n);
        releaseIfConsumed();
        if (discarded > MAX_DISCARD) {
            closeNow();
            return false;
        }
        if (last) {
            nextRequest();
        }
        return true;
    }

    @Override
    public boolean restOfBodyDroppable() {
        // a chunked body's end is unknown; a length's is, and the connection closes past MAX_DISCARD anyway
        return state != State.BODY || chunks == null && bodyRemaining <= MAX_DISCARD;
    }

    @Override
    public void wantBody() {
        if (state == State.BODY && !bodyWanted) {
            bodyWanted = true;
            lastBodyProgressNanos = System.nanoTime();
            process();
        }
    }

    @Override
    public void exchangeSucceeded(ChannelFuture lastWrite, boolean keepAlive, long nowNanos) {
        exchange = null;
        // keepAlive: the response told the client it may send its next request on this connection. A handover that
        // began after its head left does not take that back: the connection is then idle like any other (nextRequest).
        if (keepAlive && routerClosing != RouterClosing.INSTANCE) {
            if (state == State.BODY) {
                // The target answered before the body ended; what is left of it is read and dropped.
                state = State.DISCARD;
                discarded = 0;
                idle.arm(nowNanos + context.clientIdleTimeoutNanos());
                process();
            } else {
                nextRequest(nowNanos);
            }
            return;
        }
        closeAfter(lastWrite != null ? lastWrite : ctx.newSucceededFuture(), clientMaySend());
    }

    @Override
    public void exchangeFailed(Failure failure, String subject) {
        exchange = null;
        respond(failure, subject);
    }

    @Override
    public void exchangeBroken() {
        exchange = null;
        closeNow();
    }

    @Override
    public void upgraded(Tunnel newTunnel) {
        exchange = null;
        tunnel = newTunnel;
        state = State.TUNNEL;
        idle.cancel();
        if (in != null) {
            ByteBuf early = in;
            in = null;
            tunnel.fromClient(early);
        }
    }

    @Override
    public boolean closing() {
        return routerClosing != null;
    }

    /**
     * Answers the current request itself. The connection stays open if the client wants it and none of the body
     * is left unread (a client waiting for {@code 100 Continue} may never send it, so what follows is unknowable).
     */
    private void respond(Failure failure, String subject) {
        boolean keepAlive = head.keepAlive() && routerClosing == null && state != State.BODY;
        answer(failure.response(ctx.alloc(), subject, requestId, keepAlive, head.method() == Method.HEAD), keepAlive);
    }

    private void redirectToHttps(RequestHead request) {
        boolean keepAlive = request.keepAlive() && routerClosing == null && state != State.BODY;
        answer(Redirect.toHttps(ctx.alloc(), request, context.httpsPort(), requestId, keepAlive), keepAlive);
    }

    private void answer(ByteBuf response, boolean keepAlive) {
        if (!keepAlive) {
            boolean mayStillSend = clientMaySend();
            closeAfter(ctx.writeAndFlush(response), mayStillSend);
        } else {
            ctx.writeAndFlush(response, ctx.voidPromise());
            nextRequest();
        }
    }

    /** Refuses a request the router could not make sense of; the connection's framing is lost, so it closes. */
    private void reject(Failure failure, String reason) {
        context.metrics().unrouted(failure.tag());
        if (requestId == null) {
            requestId = ForwardedHead.randomRequestId();
        }
        logOwnAnswer(head, requestId, failure.status(), null, failure.tag());
        answerAndClose(failure, reason);
    }

    private void answerAndClose(Failure failure, String reason) {
        log.debug("request from {}: {} ({})", clientIp, failure.tag(), reason);
        byte[] id = requestId != null ? requestId : ForwardedHead.randomRequestId();
        // the request could not be read to its end (or was not wanted): the client may well be sending still
        closeAfter(ctx.writeAndFlush(failure.response(ctx.alloc(), reason, id, false, false)), true);
    }

    /** Whether the client may still be sending when the router ends the connection: a body or bytes not yet read. */
    private boolean clientMaySend() {
        return state == State.BODY || state == State.DISCARD || in != null && in.isReadable();
    }

    /**
     * Ends the connection once {@code lastWrite} has gone out. When the client may still be sending, it lingers first,
     * as nginx's lingering close does: a socket closed with unread bytes in its receive queue answers with a reset,
     * and a client that is still writing its body (an upload answered with 413 or 404, a request refused mid-body)
     * would then lose the answer the router just sent, with "connection reset" in its place. So the router sends
     * its FIN after the answer (close_notify too over TLS), reads and drops what still comes, and closes when the
     * client closes, has sent nothing for {@link #LINGER_QUIET_NANOS}, or after {@link #LINGER_MAX_NANOS}.
     */
    private void closeAfter(ChannelFuture lastWrite, boolean clientMaySend) {
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        releaseIn();
        if (!clientMaySend || inputEnded) {
            state = State.CLOSED;
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        state = State.LINGER;
        lastWrite.addListener(f -> {
            if (!f.isSuccess() || !ctx.channel().isActive() || state != State.LINGER) {
                closeNow();
                return;
            }
            lingerSinceNanos = lastInputNanos = System.nanoTime();
            idle.arm(lingerSinceNanos + LINGER_QUIET_NANOS);
            readMore();
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null) {
                ssl.closeOutbound().addListener(sent -> shutdownOutput());
            } else {
                shutdownOutput();
            }
        });
    }

    private void shutdownOutput() {
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput();
        }
    }

    /**
     * Ends a lingering connection. Its input is shut down first: on io_uring a receive still submitted holds the
     * socket open in the kernel after its descriptor is closed, for as long as the client sends nothing more.
     */
    private void endLinger() {
        state = State.CLOSED;
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownInput().addListener(f -> ctx.close());
        } else {
            ctx.close();
        }
    }

    /**
     * The access-log line of an answer the router gave before any exchange began: no route, a redirect, a body
     * over the limit, a request it could not read ({@code request} null: method and target unknown).
     */
    private void logOwnAnswer(RequestHead request, byte[] id, int status, String environment, String tag) {
        AccessLog accessLog = context.accessLog();
        if (accessLog != null) {
            accessLog.log(new String(id, StandardCharsets.ISO_8859_1), clientIp,
                    request == null ? "-" : request.methodText(), request == null ? "-" : request.target(),
                    request == null ? null : request.host(), status, 0, 0, environment, null, null, tag);
        }
    }

    private void nextRequest() {
        nextRequest(System.nanoTime());
    }

    private void nextRequest(long nowNanos) {
        head = null;
        requestId = null;
        chunks = null;
        if (routerClosing == RouterClosing.INSTANCE) {
            closeNow();
            return;
        }
        state = State.HEAD;
        idle.arm(nowNanos + context.clientIdleTimeoutNanos());
        if (routerClosing == RouterClosing.HANDED_OVER) {
            closeUnlessARequestComes();
        }
        process();
    }

    /** More bytes are wanted: reading resumes if it was stopped because too many waited here. */
    private void readMore() {
        if (!ctx.channel().config().isAutoRead() && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void closeNow() {
        state = State.CLOSED;
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        releaseIn();
        ctx.close();
    }

    /**
     * Between requests, and while a head or a dropped body comes in, the client has the idle timeout to send
     * something. During an exchange it has as long to send each next part of its body (while the router wants it),
     * and to read each next part of its response: a client that stops, with the router waiting on it, would hold a
     * target connection and a request in flight for good. Such a client gets a 408 when no part of the response went
     * out yet, else its connection closes, and the request is logged with {@code client_timeout}.
     */
    private void onIdle() {
        if (state == State.LINGER) {
            long now = System.nanoTime();
            long end = Math.min(lastInputNanos + LINGER_QUIET_NANOS, lingerSinceNanos + LINGER_MAX_NANOS);
            if (now >= end) {
                endLinger();
            } else {
                idle.arm(end);
            }
            return;
        }
        if (state == State.HEAD || state == State.DISCARD) {
            log.debug("client connection from {} idle; closing it", clientIp);
            closeNow();
            return;
        }
        if (state != State.BODY && state != State.AWAIT_RESPONSE || exchange == null) {
            return;
        }
        long now = System.nanoTime();
        long timeout = context.clientIdleTimeoutNanos();
        if (unwritableSinceNanos != 0) {
            if (now - unwritableSinceNanos >= timeout) {
                clientTimedOut("read nothing of its response");
            } else {
                idle.arm(unwritableSinceNanos + timeout);
            }
        } else if (state == State.BODY) {
            if (bodyWanted && now - lastBodyProgressNanos >= timeout) {
                clientTimedOut("sent no more of its request body");
            } else {
                idle.arm((bodyWanted ? lastBodyProgressNanos : now) + timeout);
            }
        }
    }

    private void clientTimedOut(String what) {
        String why = "the client " + what + " for " + TimeUnit.NANOSECONDS.toSeconds(context.clientIdleTimeoutNanos())
                + " s";
        log.debug("client connection from {}: {}", clientIp, why);
        Exchange stalled = exchange;
        exchange = null;
        boolean answerable = !stalled.responseStarted();
        stalled.clientTimedOut();
        if (answerable) {
            answerAndClose(Failure.CLIENT_TIMEOUT, why);
        } else {
            closeNow();
        }
    }

    private void append(ByteBuf buf) {
        if (in == null) {
            in = buf;
            return;
        }
        if (in.refCnt() == 1 && in.writableBytes() >= buf.readableBytes()) {
            in.writeBytes(buf);
            buf.release();
            return;
        }
        ByteBuf merged = ctx.alloc().buffer(in.readableBytes() + buf.readableBytes());
        merged.writeBytes(in).writeBytes(buf);
        in.release();
        buf.release();
        in = merged;
    }

    private void releaseIfConsumed() {
        if (in != null && !in.isReadable()) {
            in.release();
            in = null;
        }
    }

    private void releaseIn() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext channelContext) {
        boolean writable = channelContext.channel().isWritable();
        if (writable) {
            unwritableSinceNanos = 0;
        } else if (exchange != null) {
            // a client that stops reading its response is timed (onIdle)
            unwritableSinceNanos = System.nanoTime();
            idle.arm(unwritableSinceNanos + context.clientIdleTimeoutNanos());
        }
        if (exchange != null) {
            exchange.onClientWritabilityChanged(writable);
        } else if (tunnel != null) {
            tunnel.onClientWritabilityChanged(writable);
        }
        channelContext.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext channelContext, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            clientEndedInput();
            return;
        }
        if (evt instanceof RouterClosing how) {
            routerClosing = how;
            if (state == State.LINGER) {
                endLinger(); // its answer is out: the router does not wait out the linger to stop
            } else if (state == State.HEAD && in == null) {
                if (evt == RouterClosing.INSTANCE) {
                    closeNow();
                } else {
                    closeUnlessARequestComes();
                }
            } else if (state == State.TUNNEL) {
                tunnel.goingAway();
            }
            return;
        }
        channelContext.fireUserEventTriggered(evt);
    }

    /**
     * The client half-closed: what it sent in full is still answered (as HAProxy does, and unlike nginx's 499), since
     * a client such as {@code nc -N} or a script that shuts down its socket's sending side after its request waits for
     * the response; a request it left unfinished ends there. A WebSocket ends as it would on a close.
     */
    private void clientEndedInput() {
        inputEnded = true;
        boolean answering = state != State.LINGER && state != State.TUNNEL && state != State.CLOSED;
        if (answering && !EpollHalfClosure.keepWritable(ctx.channel())) {
            // without the workaround, a response could be cut short unseen: ended as a client that went away is
            log.debug("client connection from {}: half-closed, and the epoll workaround is not available", clientIp);
            endAsGone();
            return;
        }
        if (state == State.LINGER) {
            endLinger(); // the client is done: what it sent was dropped, the answer went out before
        } else if (state == State.TUNNEL) {
            tunnel.clientClosed();
            closeNow();
        } else if (state != State.CLOSED) {
            process();
        }
    }

    /** A request body the client will never finish: the exchange ends as if the client had closed. */
    private void bodyCutShort() {
        log.debug("request from {}: the client half-closed before the end of its body", clientIp);
        endAsGone();
    }

    /** Ends the connection as one whose client went away: its exchange, if any, logged as {@code client_closed}. */
    private void endAsGone() {
        if (exchange != null) {
            exchange.clientGone();
            exchange = null;
        }
        closeNow();
    }

    /** Closes once what was written before has gone out: the answers to the requests a half-closed client sent. */
    private void closeAfterWrites() {
        closeAfter(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER), false);
    }

    /** After a handover: an idle connection gets a moment for one more request before it is closed. */
    private void closeUnlessARequestComes() {
        ctx.channel().eventLoop().schedule(this::closeIfIdle, RouterClosing.IDLE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void closeIfIdle() {
        if (state == State.HEAD && in == null) {
            closeNow();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext channelContext) {
        state = State.CLOSED;
        if (exchange != null) {
            exchange.clientGone();
            exchange = null;
        }
        if (tunnel != null) {
            tunnel.clientClosed();
        }
        if (idle != null) {
            idle.cancel();
        }
        releaseIn();
        channelContext.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext channelContext, Throwable cause) {
        log.debug("client connection from {} failed", clientIp, cause);
        if (state == State.TUNNEL) {
            tunnel.clientClosed();
        }
        // a reset, or a write to a client that is gone: its request is logged and counted as client_closed
        endAsGone();
    }
}
