package dev.cutover.router.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Finds the end of a head (the empty line after the last field) in bytes that arrive in pieces, without rescanning
 * what it has seen: each call resumes at the last line start it found. Enforces the size limits on the way, so a
 * client that never ends its head is refused once it passes them rather than buffered without bound.
 *
 * <p>Threads: one per connection, touched by its event loop.
 */
public final class HeadScanner {

    /** {@code HTTP/1.1}. */
    private static final int VERSION_LENGTH = 8;

    private final int maxFirstLine;
    private final int maxHead;
    /** Whether heads are requests, which start with a method: a token. */
    private final boolean requests;
    /** Offset from the head's start of the start of the line where the next scan resumes. */
    private int resume;
    private boolean firstLineSeen;

    /**
     * @param maxFirstLine the longest first line (a longer one is {@link MalformedHttpException.Kind#LINE_TOO_LONG})
     * @param maxHead the largest head in all (larger is {@link MalformedHttpException.Kind#HEADERS_TOO_LARGE})
     */
    public HeadScanner(int maxFirstLine, int maxHead) {
        this(maxFirstLine, maxHead, false);
    }

    private HeadScanner(int maxFirstLine, int maxHead, boolean requests) {
        this.maxFirstLine = maxFirstLine;
        this.maxHead = maxHead;
        this.requests = requests;
    }

    /** A scanner with the request limits of {@link RequestHead}. */
    public static HeadScanner forRequests() {
        return new HeadScanner(RequestHead.MAX_REQUEST_LINE + 2,
                RequestHead.MAX_REQUEST_LINE + RequestHead.MAX_HEADER_SECTION + 4, true);
    }

    /** A scanner with the response limit of {@link ResponseHead}. */
    public static HeadScanner forResponses() {
        return new HeadScanner(ResponseHead.MAX_HEAD, ResponseHead.MAX_HEAD);
    }

    /** Starts over for the next head. */
    public void reset() {
        resume = 0;
        firstLineSeen = false;
    }

    /**
     * The length of the head that starts at {@code buf.readerIndex()}, including its empty line, or -1 when the
     * buffer does not hold all of it yet.
     */
    public int find(ByteBuf buf) throws MalformedHttpException {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        if (requests && resume == 0 && start < end && !HttpChars.isToken(buf.getByte(start))) {
            // not HTTP at all: said at once, rather than when a line end or the size limit comes, if ever
            throw MalformedHttpException.malformed(buf.getByte(start) == 0x16
                    ? "a TLS handshake on the plain HTTP port (use https:// and the HTTPS port)"
                    : "not an HTTP request: it does not start with a method");
        }
        int lineStart = start + resume;
        while (true) {
            int lf = lineStart < end ? buf.forEachByte(lineStart, end - lineStart, ByteProcessor.FIND_LF) : -1;
            if (lf < 0) {
                resume = lineStart - start;
                checkLimits(end - start, end - lineStart);
                return -1;
            }
            if (!firstLineSeen) {
                firstLineSeen = true;
                if (lf - start > maxFirstLine) {
                    throw new MalformedHttpException(MalformedHttpException.Kind.LINE_TOO_LONG,
                            "first line over " + (maxFirstLine - 2) + " bytes");
                }
                if (requests) {
                    checkVersion(buf, start, lf > start && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf);
                }
            } else {
                int len = lf - lineStart;
                if (len == 0 || len == 1 && buf.getByte(lineStart) == '\r') {
                    int headLength = lf + 1 - start;
                    if (headLength > maxHead) {
                        throw tooLarge();
                    }
                    return headLength;
                }
            }
            lineStart = lf + 1;
        }
    }

    /**
     * A request line must end with the version: one that does not ({@code GET /}, an HTTP/0.9 request, or
     * {@code GET / HTTP/1.1 x}) is refused as soon as its line ends, not when a head end that may never come does.
     * The rest of the line is checked when the whole head is parsed.
     */
    private static void checkVersion(ByteBuf buf, int from, int lineEnd) throws MalformedHttpException {
        int v = lineEnd - VERSION_LENGTH;
        if (v > from && buf.getByte(v - 1) == ' ' && buf.getByte(v) == 'H' && buf.getByte(v + 1) == 'T'
                && buf.getByte(v + 2) == 'T' && buf.getByte(v + 3) == 'P' && buf.getByte(v + 4) == '/'
                && buf.getByte(v + 5) == '1' && buf.getByte(v + 6) == '.'
                && (buf.getByte(v + 7) == '1' || buf.getByte(v + 7) == '0')) {
            return;
        }
        byte[] line = new byte[Math.min(lineEnd - from, 200)];
        buf.getBytes(from, line);
        throw MalformedHttpException.malformed("request line does not end with HTTP/1.1 or HTTP/1.0: '"
                + HttpChars.printable(line, 0, line.length) + "'");
    }

    private void checkLimits(int buffered, int partialLine) throws MalformedHttpException {
        if (!firstLineSeen && partialLine > maxFirstLine) {
            throw new MalformedHttpException(MalformedHttpException.Kind.LINE_TOO_LONG,
                    "first line over " + (maxFirstLine - 2) + " bytes");
        }
        if (buffered > maxHead) {
            throw tooLarge();
        }
    }

    private MalformedHttpException tooLarge() {
        return new MalformedHttpException(MalformedHttpException.Kind.HEADERS_TOO_LARGE,
                "head over " + maxHead + " bytes");
    }
}
