package dev.cutover.router.pool;

import dev.cutover.router.http.ChunkedFraming;
import dev.cutover.router.http.HeadScanner;
import dev.cutover.router.http.MalformedHttpException;
import dev.cutover.router.http.ResponseHead;
import dev.cutover.router.routing.LiveTarget;
import dev.cutover.router.timeout.LazyTimer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keep-alive connection to a target, and the reader of its responses. While an exchange uses it, it parses
 * what it reads into a response head and body parts for that exchange's {@link ResponseListener}; after a
 * {@code 101} it passes every byte on as is (a tunnel). While it sits in the pool, anything it reads is a protocol
 * error and closes it, and so does the idle timeout.
 *
 * <pre>
 *   connecting ──▶ awaiting head ──▶ reading body ──▶ idle (pooled) ──▶ awaiting head ...
 *                       │ 101 ──▶ tunnel ──▶ closed
 *                       └ (interim responses are skipped)          any state ──▶ closed
 * </pre>
 *
 * <p>Threads: touched only by its channel's event loop.
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    private enum State { IDLE, HEAD, BODY, TUNNEL, CLOSED }

    private final LiveTarget target;
    private final long idleTimeoutNanos;
    private final HeadScanner scanner = HeadScanner.forResponses();
    /** Each response head is read into this one object: a listener reads it only while it is handed the head. */
    private final ResponseHead head = new ResponseHead();
    private Channel channel;
    private ChannelHandlerContext ctx;
    private LazyTimer timer;
    private ResponseListener listener;
    private State state = State.IDLE;
    private boolean toHead;
    private boolean awaitingResponse;
    /** Head bytes read so far, while a head spans reads. */
    private ByteBuf cumulation;
    private ResponseHead.Framing framing;
    private long remaining;
    private ChunkedFraming chunks;
    /** Whether the target sent bytes beyond the framing of a response: it cannot be trusted with another. */
    private boolean spoiled;

    BackendConnection(LiveTarget target, long idleTimeoutNanos) {
        this.target = target;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    public LiveTarget target() {
        return target;
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Hands the connection to an exchange about to send a request on it.
     *
     * @param headRequest whether the request is a HEAD, whose response has no body whatever its head says
     */
    public void attach(ResponseListener newListener, boolean headRequest) {
        listener = newListener;
        toHead = headRequest;
        state = State.HEAD;
        scanner.reset();
        timer.disarm();
    }

    /** The request is sent: the target must start its response by {@code deadlineNanos} ({@link System#nanoTime()}). */
    public void awaitResponse(long deadlineNanos) {
        if (state == State.HEAD) {
            awaitingResponse = true;
            timer.arm(deadlineNanos);
        }
    }

    /** Hands the connection (in tunnel mode) to another listener: the tunnel that takes over after a 101. */
    public void handOver(ResponseListener newListener) {
        listener = newListener;
    }

    void detach() {
        listener = null;
        awaitingResponse = false;
        if (state != State.CLOSED) {
            state = State.IDLE;
        }
        releaseCumulation();
    }

    /** Whether the connection can carry another request: open, between responses, and its target behaved. */
    boolean isReusable() {
        return channel != null && channel.isActive() && state == State.IDLE && !spoiled;
    }

    boolean isUsable() {
        return channel != null && channel.isActive();
    }

    /** Pooled at {@code nowNanos}: the idle timeout runs from then. */
    void pooled(long nowNanos) {
        timer.arm(nowNanos + idleTimeoutNanos);
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        channel = context.channel();
        timer = new LazyTimer(channel.eventLoop(), this::onTimer);
    }

    private void onTimer() {
        if (listener == null) {
            log.debug("idle connection to target {} at {} timed out; closing it", target.instance(), target.address());
            close();
        } else if (awaitingResponse && state == State.HEAD) {
            awaitingResponse = false;
            listener.onResponseTimeout();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (listener == null || state == State.IDLE || state == State.CLOSED) {
            buf.release();
            if (state != State.CLOSED) {
                log.debug("target {} at {} sent data on an idle connection; closing it", target.instance(),
                        target.address());
                spoiled = true;
                close();
            }
            return;
        }
        try {
            read(buf);
        } catch (MalformedHttpException e) {
            log.debug("target {} at {} sent a malformed response: {}", target.instance(), target.address(),
                    e.getMessage());
            spoiled = true;
            ResponseListener current = listener;
            listener = null;
            state = State.CLOSED;
            releaseCumulation();
            close();
            if (current != null) {
                current.onResponseMalformed(e.getMessage(), e.kind() != MalformedHttpException.Kind.MALFORMED);
            }
        }
    }

    /** Consumes {@code buf} (owned) as the next bytes from the target. */
    private void read(ByteBuf buf) throws MalformedHttpException {
        ByteBuf in = buf;
        while (in != null) {
            switch (state) {
                case HEAD -> in = readHead(in);
                case BODY -> in = readBody(in);
                case TUNNEL -> {
                    listener.onResponseBody(in, false);
                    in = null;
                }
                case IDLE, CLOSED -> {
                    // Bytes beyond the end of a response: the target does not frame its responses as it says.
                    in.release();
                    in = null;
                    spoiled = true;
                    close();
                }
            }
            if (in != null && !in.isReadable()) {
                in.release();
                in = null;
            }
        }
    }

    /** Reads (part of) a head; returns what is left of {@code in} after it, or null when all was consumed. */
    private ByteBuf readHead(ByteBuf in) throws MalformedHttpException {
        ByteBuf source = in;
        if (cumulation != null) {
            cumulation = append(cumulation, in);
            source = cumulation;
        }
        int length;
        try {
            length = scanner.find(source);
        } catch (MalformedHttpException e) {
            if (source == in) {
                in.release();
            }
            throw e;
        }
        if (length < 0) {
            if (cumulation == null) {
                cumulation = in;
            }
            return null;
        }
        scanner.reset();
        ByteBuf rest = source;
        cumulation = null;
        try {
            head.read(source, length, toHead);
        } catch (MalformedHttpException e) {
            rest.release();
            throw e;
        }
        if (head.interim() && head.status() != 101) {
            return rest; // 100 Continue or 103 Early Hints: the final response follows
        }
        awaitingResponse = false;
        timer.disarm();
        ResponseListener current = listener;
        if (head.status() == 101) {
            state = State.TUNNEL;
            current.onResponseHead(head);
            return stillServing(current, rest);
        }
        framing = head.framing();
        remaining = head.contentLength();
        chunks = framing == ResponseHead.Framing.CHUNKED ? new ChunkedFraming() : null;
        state = State.BODY;
        current.onResponseHead(head);
        if (listener != current) {
            rest.release();
            return null;
        }
        if (framing == ResponseHead.Framing.NONE || framing == ResponseHead.Framing.LENGTH && remaining == 0) {
            endResponse(Unpooled.EMPTY_BUFFER, rest.isReadable());
        }
        return rest;
    }

    private ByteBuf readBody(ByteBuf in) throws MalformedHttpException {
        int readable = in.readableBytes();
        switch (framing) {
            case LENGTH -> {
                if (readable <= remaining) {
                    remaining -= readable;
                    if (remaining == 0) {
                        endResponse(in);
                    } else {
                        listener.onResponseBody(in, false);
                    }
                    return null;
                }
                ByteBuf part = in.readRetainedSlice((int) remaining);
                remaining = 0;
                endResponse(part, true);
                return in;
            }
            case CHUNKED -> {
                int start = in.readerIndex();
                int end;
                try {
                    end = chunks.feed(in, start, in.writerIndex(), null);
                } catch (MalformedHttpException e) {
                    in.release();
                    throw e;
                }
                if (!chunks.done()) {
                    listener.onResponseBody(in, false);
                    return null;
                }
                if (end == in.writerIndex()) {
                    endResponse(in);
                    return null;
                }
                ByteBuf part = in.readRetainedSlice(end - start);
                endResponse(part, true);
                return in;
            }
            case UNTIL_CLOSE -> {
                listener.onResponseBody(in, false);
                return null;
            }
            case NONE -> {
                return in; // unreachable: a bodyless response ends with its head
            }
        }
        return in;
    }

    /** After a call out: the rest of the bytes, unless the listener let go of the connection meanwhile. */
    private ByteBuf stillServing(ResponseListener before, ByteBuf rest) {
        if (listener == null || state == State.CLOSED || listener != before && state != State.TUNNEL) {
            rest.release();
            return null;
        }
        return rest;
    }

    /** Whether a chunked response body is under way and what was read of it ends after a whole chunk. */
    public boolean betweenChunks() {
        return state == State.BODY && framing == ResponseHead.Framing.CHUNKED && chunks.betweenChunks();
    }

    private void endResponse(ByteBuf last) {
        endResponse(last, false);
    }

    /**
     * The response is complete. {@code moreFollows}: bytes came after its end, which no request asked for (the
     * router sends one request at a time): the connection is spoiled before the listener hears of the end, so that
     * it is not handed to the next request (a pipelined one of the same client, say), which would read those bytes
     * as its response; what follows is dropped and the connection closed (see {@link #read}).
     */
    private void endResponse(ByteBuf last, boolean moreFollows) {
        state = State.IDLE;
        chunks = null;
        if (moreFollows) {
            log.debug("target {} at {} sent bytes after the end of a response; closing the connection",
                    target.instance(), target.address());
            spoiled = true;
        }
        listener.onResponseBody(last, true);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        ResponseListener current = listener;
        if (current != null) {
            current.onResponseReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        ResponseListener current = listener;
        if (current != null) {
            current.onTargetWritabilityChanged(context.channel().isWritable());
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        State before = state;
        state = State.CLOSED;
        timer.cancel();
        releaseCumulation();
        ResponseListener current = listener;
        listener = null;
        if (current == null) {
            return;
        }
        if (before == State.BODY && framing == ResponseHead.Framing.UNTIL_CLOSE) {
            current.onResponseBody(Unpooled.EMPTY_BUFFER, true);
        } else {
            current.onConnectionClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        log.debug("connection to target {} at {} failed", target.instance(), target.address(), cause);
        context.close();
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    /** {@code a} followed by {@code b}, both consumed. */
    private ByteBuf append(ByteBuf a, ByteBuf b) {
        if (a.refCnt() == 1 && a.writableBytes() >= b.readableBytes()) {
            a.writeBytes(b);
            b.release();
            return a;
        }
        ByteBuf merged = ctx.alloc().buffer(a.readableBytes() + b.readableBytes());
        merged.writeBytes(a).writeBytes(b);
        a.release();
        b.release();
        return merged;
    }
}
