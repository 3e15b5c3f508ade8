package dev.cutover.router.http;

/**
 * A response head from a target: its bytes, status, fields and framing. A target is trusted more than a client
 * (it is the operator's app), but its framing is still read one way only: {@code Transfer-Encoding} wins over
 * {@code Content-Length}, which is then dropped, so the client is never sent a response with both.
 */
public final class ResponseHead {

    /** The largest response head the router reads from a target. */
    public static final int MAX_HEAD = 65536;
    /** The most header fields a response head may have (as a request's). */
    public static final int MAX_FIELDS = Fields.MAX_FIELDS;

    /** How the body of a response is delimited. */
    public enum Framing {
        /** No body: a response to HEAD, a 1xx, 204 or 304. */
        NONE,
        /** {@code Content-Length} bytes. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** Everything until the target closes the connection. */
        UNTIL_CLOSE
    }

    private byte[] bytes = new byte[0];
    private int length;
    private int status;
    private int reasonStart;
    private int reasonEnd;
    private final Fields fields = new Fields();
    private Framing framing;
    private long contentLength;
    private boolean keepAlive;
    private boolean eventStream;

    /**
     * An empty head, to {@link #read} heads into: a connection to a target keeps one and reads each response head
     * into it, reusing its arrays. Its values are those of the last head read, valid until the next.
     */
    public ResponseHead() {}

    /**
     * Reads the head of {@code length} bytes at {@code buf}'s reader index (and moves the index past it) into this
     * object, replacing the previous head.
     *
     * @param toHead whether it answers a HEAD request, which has no body whatever the head says
     */
    public void read(io.netty.buffer.ByteBuf buf, int length, boolean toHead) throws MalformedHttpException {
        bytes = Fields.room(bytes, length, MAX_HEAD);
        buf.readBytes(bytes, 0, length);
        parseOwn(length, toHead);
    }

    /**
     * Parses a complete head {@code a[0, length)}.
     *
     * @param toHead whether it answers a HEAD request, which has no body whatever the head says
     */
    public static ResponseHead parse(byte[] a, int length, boolean toHead) throws MalformedHttpException {
        ResponseHead head = new ResponseHead();
        head.bytes = a;
        head.parseOwn(length, toHead);
        return head;
    }

    private void parseOwn(int length, boolean toHead) throws MalformedHttpException {
        byte[] a = bytes;
        int lf = Fields.indexOf(a, (byte) '\n', 0, length);
        if (lf < 0) {
            throw MalformedHttpException.malformed("no status line");
        }
        int lineEnd = lf > 0 && a[lf - 1] == '\r' ? lf - 1 : lf;
        boolean http10;
        if (lineEnd >= 12 && HttpChars.equalsExact(a, 0, 9, "HTTP/1.1 ")) {
            http10 = false;
        } else if (lineEnd >= 12 && HttpChars.equalsExact(a, 0, 9, "HTTP/1.0 ")) {
            http10 = true;
        } else {
            throw MalformedHttpException.malformed("not an HTTP/1.x status line: '"
                    + HttpChars.printable(a, 0, lineEnd) + "'");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                throw MalformedHttpException.malformed("status is not three digits: '"
                        + HttpChars.printable(a, 0, lineEnd) + "'");
            }
            status = status * 10 + d;
        }
        if (status < 100) {
            throw MalformedHttpException.malformed("status " + status + " is below 100");
        }
        int reasonStart = lineEnd;
        if (lineEnd > 12) {
            if (a[12] != ' ') {
                throw MalformedHttpException.malformed("no space after the status: '"
                        + HttpChars.printable(a, 0, lineEnd) + "'");
            }
            reasonStart = 13;
            for (int i = reasonStart; i < lineEnd; i++) {
                if (!HttpChars.isFieldValue(a[i])) {
                    throw MalformedHttpException.malformed("control character in the reason phrase");
                }
            }
        }
        fields.parse(a, lf + 1, length);

        long contentLength = -1;
        int lengths = fields.count(Field.CONTENT_LENGTH);
        for (int i = 0; i < fields.count(); i++) {
            if (fields.kind(i) == Field.CONTENT_LENGTH) {
                long value = HttpChars.decimal(a, fields.valueStart(i), fields.valueLength(i));
                if (value < 0 || contentLength >= 0 && value != contentLength) {
                    throw MalformedHttpException.malformed("Content-Length is not one number: '" + fields.value(i)
                            + "'");
                }
                contentLength = value;
            }
        }
        boolean chunked = false;
        boolean otherCoding = false;
        int codings = fields.count(Field.TRANSFER_ENCODING);
        if (codings > 0) {
            // The last coding decides: chunked frames the body; any other coding leaves it delimited by close.
            int last = -1;
            for (int i = 0; i < fields.count(); i++) {
                if (fields.kind(i) == Field.TRANSFER_ENCODING) {
                    last = i;
                }
            }
            chunked = endsWithChunked(a, fields.valueStart(last), fields.valueLength(last));
            otherCoding = !chunked;
        }
        boolean bodyless = toHead || status < 200 || status == 204 || status == 304;
        Framing framing;
        if (bodyless) {
            framing = Framing.NONE;
        } else if (chunked) {
            framing = Framing.CHUNKED;
        } else if (otherCoding || lengths == 0) {
            framing = Framing.UNTIL_CLOSE;
        } else {
            framing = Framing.LENGTH;
        }
        boolean keepAlive = framing != Framing.UNTIL_CLOSE
                && (http10 ? fields.connectionHas("keep-alive") : !fields.connectionHas("close"));
        int type = fields.first(Field.CONTENT_TYPE);
        boolean eventStream = type >= 0 && startsWithLower(a, fields.valueStart(type), fields.valueLength(type),
                "text/event-stream");
        this.length = length;
        this.status = status;
        this.reasonStart = reasonStart;
        this.reasonEnd = lineEnd;
        this.framing = framing;
        this.contentLength = framing == Framing.LENGTH ? contentLength : -1;
        this.keepAlive = keepAlive;
        this.eventStream = eventStream;
    }

    private static boolean endsWithChunked(byte[] a, int from, int len) {
        int end = from + len;
        int start = end;
        while (start > from && a[start - 1] != ',') {
            start--;
        }
        while (start < end && (a[start] == ' ' || a[start] == '\t')) {
            start++;
        }
        return HttpChars.equalsLower(a, start, end - start, "chunked");
    }

    private static boolean startsWithLower(byte[] a, int from, int len, String prefix) {
        return len >= prefix.length() && HttpChars.equalsLower(a, from, prefix.length(), prefix);
    }

    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public int status() {
        return status;
    }

    public int reasonStart() {
        return reasonStart;
    }

    public int reasonEnd() {
        return reasonEnd;
    }

    public Fields fields() {
        return fields;
    }

    public Framing framing() {
        return framing;
    }

    /** The body length when framed by length; -1 otherwise. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the target keeps the connection open after this response. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the body is a server-sent event stream ({@code text/event-stream}). */
    public boolean eventStream() {
        return eventStream;
    }

    /** An interim response (1xx). */
    public boolean interim() {
        return status < 200;
    }
}
