package dev.cutover.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the frames of one direction of a WebSocket begin and end (RFC 6455 section 5.2), read from the bytes going
 * by without copying them: the header of each frame is read, its payload skipped. The router needs no more than
 * that: to send its own close frame into the stream it must wait for a frame boundary, or it would cut a frame in
 * two. Control frames may come between the fragments of a message, so any boundary will do.
 *
 * <p>Threads: one per direction of a tunnel, touched by its event loop.
 */
final class WebSocketFrames {

    /** 1001: the endpoint is going away (here: the target drains, or the router shuts down). */
    private static final int GOING_AWAY = 1001;
    private static final byte[] REASON = ForwardedHead.ascii("going away");

    private enum State { FIRST, LENGTH, EXTENDED, MASK, PAYLOAD }

    private State state = State.FIRST;
    private boolean masked;
    private int extendedLeft;
    private int maskLeft;
    private long payloadLeft;

    /** Whether the stream is between frames. */
    boolean atBoundary() {
        return state == State.FIRST;
    }

    /**
     * Reads {@code buf[from, to)}.
     *
     * @param untilBoundary stop at the first frame boundary at or after {@code from}
     * @return with {@code untilBoundary}, the index of that boundary, or -1 when there is none before {@code to};
     *         otherwise {@code to}
     */
    int read(ByteBuf buf, int from, int to, boolean untilBoundary) {
        int i = from;
        while (i < to) {
            if (untilBoundary && state == State.FIRST) {
                return i;
            }
            switch (state) {
                case FIRST -> {
                    i++;
                    state = State.LENGTH;
                }
                case LENGTH -> {
                    byte b = buf.getByte(i++);
                    masked = (b & 0x80) != 0;
                    int len = b & 0x7f;
                    maskLeft = masked ? 4 : 0;
                    if (len == 126) {
                        extendedLeft = 2;
                        payloadLeft = 0;
                        state = State.EXTENDED;
                    } else if (len == 127) {
                        extendedLeft = 8;
                        payloadLeft = 0;
                        state = State.EXTENDED;
                    } else {
                        payloadLeft = len;
                        afterLength();
                    }
                }
                case EXTENDED -> {
                    payloadLeft = payloadLeft << 8 | buf.getByte(i++) & 0xff;
                    if (--extendedLeft == 0) {
                        afterLength();
                    }
                }
                case MASK -> {
                    i++;
                    if (--maskLeft == 0) {
                        state = payloadLeft == 0 ? State.FIRST : State.PAYLOAD;
                    }
                }
                case PAYLOAD -> {
                    long n = Math.min(payloadLeft, to - i);
                    i += (int) n;
                    payloadLeft -= n;
                    if (payloadLeft == 0) {
                        state = State.FIRST;
                    }
                }
            }
        }
        return untilBoundary ? (state == State.FIRST ? to : -1) : to;
    }

    private void afterLength() {
        if (maskLeft > 0) {
            state = State.MASK;
        } else {
            state = payloadLeft == 0 ? State.FIRST : State.PAYLOAD;
        }
    }

    /** A close frame with status 1001, masked as a client's frames must be, or unmasked as a server's. */
    static ByteBuf goingAway(ByteBufAllocator alloc, boolean mask) {
        int length = 2 + REASON.length;
        ByteBuf out = alloc.buffer(2 + (mask ? 4 : 0) + length);
        out.writeByte(0x88); // FIN, opcode 8 (close)
        out.writeByte((mask ? 0x80 : 0) | length);
        byte[] payload = new byte[length];
        payload[0] = (byte) (GOING_AWAY >> 8);
        payload[1] = (byte) GOING_AWAY;
        System.arraycopy(REASON, 0, payload, 2, REASON.length);
        if (mask) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            out.writeBytes(key);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        out.writeBytes(payload);
        return out;
    }
}
