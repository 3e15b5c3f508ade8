package dev.cutover.router.http;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a chunked body ends, and checks its framing on the way, without copying it: the proxy forwards the
 * bytes as they came, so the framing must be read exactly one way. It is strict for that reason: every line of
 * the framing ends with CRLF (a bare LF or CR is refused), a chunk's data is followed by CRLF, sizes are 1 to 15
 * hex digits, extensions and trailers hold no control characters and are bounded. A trailer is a field like a
 * header's (a token name, a colon, a value), and not one that frames or routes the message ({@code Content-Length},
 * {@code Transfer-Encoding}, {@code Host}, {@code Connection}), which a trailer must not carry (RFC 9110 section
 * 6.5.1): a receiver that merged it into the header section would read the message another way.
 *
 * <pre>
 *   SIZE ─digits─▶ SIZE_MORE ─;─▶ EXTENSION ─CR─▶ SIZE_LF ─LF, size > 0─▶ DATA ─▶ DATA_CR ─▶ DATA_LF ─▶ SIZE
 *                                                    └─LF, size 0─▶ TRAILER_START ─CR─▶ FINAL_LF ─LF─▶ DONE
 *                                                          └─token─▶ TRAILER_NAME ─:─▶ TRAILER ─CRLF─▶ TRAILER_START
 * </pre>
 *
 * <p>Threads: one instance per message, touched by one event loop.
 */
public final class ChunkedFraming {

    /** Receives the data bytes of the chunks, for a reader that strips the framing (an HTTP/1.0 client). */
    public interface DataSink {
        void data(ByteBuf buf, int index, int length);
    }

    private static final int MAX_SIZE_DIGITS = 15;
    private static final int MAX_EXTENSION = 4096;
    private static final int MAX_TRAILERS = 16384;

    private enum State { SIZE, SIZE_MORE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER_NAME,
        TRAILER, TRAILER_LF, FINAL_LF, DONE }

    /** Fields a trailer must not carry: they frame or route the message. */
    private static final String[] NOT_IN_TRAILERS = {"content-length", "transfer-encoding", "host", "connection"};
    /** Enough of a trailer's name to compare it with those. */
    private final byte[] name = new byte[17];
    private int nameLength;

    private State state = State.SIZE;
    private long remaining;
    private int digits;
    private int lineBytes;
    private int trailerBytes;

    /** Whether the bytes read so far end exactly after a chunk: the body could end here with a last chunk. */
    public boolean betweenChunks() {
        return state == State.SIZE && digits == 0;
    }

    /** Whether the last chunk and the trailers have been read: the message ends here. */
    public boolean done() {
        return state == State.DONE;
    }

    /**
     * Reads {@code buf[from, to)} as the next bytes of the body.
     *
     * @param sink gets the chunks' data, or null
     * @return the index after the last byte of the body read; less than {@code to} only when the body ended there
     */
    public int feed(ByteBuf buf, int from, int to, DataSink sink) throws MalformedHttpException {
        int i = from;
        while (i < to && state != State.DONE) {
            if (state == State.DATA) {
                int n = (int) Math.min(remaining, to - i);
                if (sink != null && n > 0) {
                    sink.data(buf, i, n);
                }
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            byte b = buf.getByte(i++);
            switch (state) {
                case SIZE, SIZE_MORE -> {
                    int d = Character.digit(b, 16);
                    if (d >= 0) {
                        if (++digits > MAX_SIZE_DIGITS) {
                            throw MalformedHttpException.malformed("chunk size has more than " + MAX_SIZE_DIGITS
                                    + " digits");
                        }
                        remaining = remaining * 16 + d;
                        state = State.SIZE_MORE;
                    } else if (state == State.SIZE_MORE && b == ';') {
                        lineBytes = 0;
                        state = State.EXTENSION;
                    } else if (state == State.SIZE_MORE && b == '\r') {
                        state = State.SIZE_LF;
                    } else {
                        throw MalformedHttpException.malformed("bad chunk size line (byte 0x"
                                + Integer.toHexString(b & 0xff) + ")");
                    }
                }
                case EXTENSION -> {
                    if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (!HttpChars.isFieldValue(b) || ++lineBytes > MAX_EXTENSION) {
                        throw MalformedHttpException.malformed("bad chunk extension");
                    }
                }
                case SIZE_LF -> {
                    expectLf(b, "chunk size line");
                    digits = 0;
                    state = remaining == 0 ? State.TRAILER_START : State.DATA;
                }
                case DATA_CR -> {
                    if (b != '\r') {
                        throw MalformedHttpException.malformed("chunk data not followed by CRLF");
                    }
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expectLf(b, "chunk data");
                    state = State.SIZE;
                }
                case TRAILER_START -> {
                    if (b == '\r') {
                        state = State.FINAL_LF;
                    } else {
                        nameLength = 0;
                        trailerName(b);
                        state = State.TRAILER_NAME;
                    }
                }
                case TRAILER_NAME -> {
                    if (b == ':') {
                        requireAllowedTrailer();
                        trailer(b);
                        state = State.TRAILER;
                    } else {
                        trailerName(b);
                    }
                }
                case TRAILER -> {
                    if (b == '\r') {
                        state = State.TRAILER_LF;
                    } else {
                        trailer(b);
                    }
                }
                case TRAILER_LF -> {
                    expectLf(b, "trailer line");
                    state = State.TRAILER_START;
                }
                case FINAL_LF -> {
                    expectLf(b, "last chunk");
                    state = State.DONE;
                }
                case DATA, DONE -> throw new IllegalStateException("unreachable: " + state);
            }
        }
        return i;
    }

    private void trailerName(byte b) throws MalformedHttpException {
        if (!HttpChars.isToken(b)) {
            throw MalformedHttpException.malformed(b == '\r' || b == '\n' ? "trailer line without a colon"
                    : "bad trailer field name");
        }
        if (++trailerBytes > MAX_TRAILERS) {
            throw MalformedHttpException.malformed("bad trailer section");
        }
        if (nameLength < name.length) {
            name[nameLength] = b;
        }
        nameLength++;
    }

    private void requireAllowedTrailer() throws MalformedHttpException {
        if (nameLength > name.length) {
            return;
        }
        for (String field : NOT_IN_TRAILERS) {
            if (HttpChars.equalsLower(name, 0, nameLength, field)) {
                throw MalformedHttpException.malformed(field + " in a trailer");
            }
        }
    }

    private void trailer(byte b) throws MalformedHttpException {
        if (!HttpChars.isFieldValue(b) || ++trailerBytes > MAX_TRAILERS) {
            throw MalformedHttpException.malformed("bad trailer section");
        }
    }

    private static void expectLf(byte b, String after) throws MalformedHttpException {
        if (b != '\n') {
            throw MalformedHttpException.malformed(after + " does not end with CRLF");
        }
    }
}
