package dev.cutover.router.http;

/**
 * A request head the router accepted: its bytes, its parts, and what it means for framing and routing. Everything
 * that could make two readers of the same bytes see different requests is refused here: two framings, a framing
 * HTTP/1.0 does not have, more than one {@code Host}, an absolute-form target naming another host, and every
 * malformation {@link Fields} rejects.
 */
public final class RequestHead {

    /** The longest request line the router reads: a longer one is a 414. */
    public static final int MAX_REQUEST_LINE = 8192;
    /** The largest header section (after the request line) the router reads: a larger one is a 431. */
    public static final int MAX_HEADER_SECTION = 16384;

    private static final int MAX_REQUEST_ID = 128;

    private byte[] bytes = new byte[0];
    private int length;
    private Method method;
    private int methodLength;
    private int targetStart;
    private int targetEnd;
    private boolean http10;
    private final Fields fields = new Fields();
    private String hostHeader;
    private String host;
    private long contentLength;
    private boolean chunked;
    private boolean keepAlive;
    private boolean webSocket;
    private boolean expectContinue;
    private int requestIdField;
    /** The Host field of the previous head parsed here, with what it gave: a connection's requests share it. */
    private byte[] lastHostBytes = new byte[0];
    private String lastHostHeader;
    private String lastHost;

    /**
     * An empty head, to {@link #read} heads into: a client connection keeps one and reads each of its requests into
     * it, reusing its arrays. Its values are those of the last head read, valid until the next.
     */
    public RequestHead() {}

    /**
     * Reads the head of {@code length} bytes at {@code buf}'s reader index (and moves the index past it) into this
     * object, replacing the previous head.
     *
     * @throws MalformedHttpException when the router must refuse it; this object then holds no valid head
     */
    public void read(io.netty.buffer.ByteBuf buf, int length) throws MalformedHttpException {
        bytes = Fields.room(bytes, length, MAX_REQUEST_LINE + MAX_HEADER_SECTION + 4);
        buf.readBytes(bytes, 0, length);
        parseOwn(length);
    }

    /**
     * Parses a complete head: {@code a[0, length)}, from the request line to the empty line that ends it.
     *
     * @throws MalformedHttpException when the router must refuse it
     */
    public static RequestHead parse(byte[] a, int length) throws MalformedHttpException {
        RequestHead head = new RequestHead();
        head.bytes = a;
        head.parseOwn(length);
        return head;
    }

    private void parseOwn(int length) throws MalformedHttpException {
        byte[] a = bytes;
        int lf = Fields.indexOf(a, (byte) '\n', 0, length);
        if (lf < 0) {
            throw MalformedHttpException.malformed("no request line");
        }
        int lineEnd = lf > 0 && a[lf - 1] == '\r' ? lf - 1 : lf;
        if (lineEnd > MAX_REQUEST_LINE) {
            throw new MalformedHttpException(MalformedHttpException.Kind.LINE_TOO_LONG,
                    "request line over " + MAX_REQUEST_LINE + " bytes");
        }
        if (length - lf - 1 > MAX_HEADER_SECTION + 2) {
            throw new MalformedHttpException(MalformedHttpException.Kind.HEADERS_TOO_LARGE,
                    "header section over " + MAX_HEADER_SECTION + " bytes");
        }
        int sp1 = 0;
        while (sp1 < lineEnd && HttpChars.isToken(a[sp1])) {
            sp1++;
        }
        if (sp1 == 0 || sp1 == lineEnd || a[sp1] != ' ') {
            throw MalformedHttpException.malformed("request line does not start with a method: '"
                    + HttpChars.printable(a, 0, lineEnd) + "'");
        }
        int targetStart = sp1 + 1;
        int sp2 = targetStart;
        while (sp2 < lineEnd && HttpChars.isTarget(a[sp2])) {
            sp2++;
        }
        if (sp2 == targetStart || sp2 == lineEnd || a[sp2] != ' ') {
            throw MalformedHttpException.malformed("request line is not METHOD TARGET VERSION: '"
                    + HttpChars.printable(a, 0, lineEnd) + "'");
        }
        int version = sp2 + 1;
        boolean http10;
        if (HttpChars.equalsExact(a, version, lineEnd - version, "HTTP/1.1")) {
            http10 = false;
        } else if (HttpChars.equalsExact(a, version, lineEnd - version, "HTTP/1.0")) {
            http10 = true;
        } else {
            throw MalformedHttpException.malformed("unknown HTTP version '"
                    + HttpChars.printable(a, version, lineEnd - version) + "'");
        }
        Method method = Method.of(a, sp1);
        if (method == Method.CONNECT) {
            throw MalformedHttpException.malformed("CONNECT is not served");
        }
        fields.parse(a, lf + 1, length);

        int hosts = fields.count(Field.HOST);
        if (hosts > 1) {
            throw MalformedHttpException.malformed("more than one Host header");
        }
        String hostHeader = hosts == 0 ? null : hostHeader(a, fields.first(Field.HOST));
        if (hostHeader == null && !http10) {
            throw MalformedHttpException.malformed("no Host header");
        }
        String routingAuthority = hostHeader;
        if (a[targetStart] != '/') {
            boolean asterisk = sp2 - targetStart == 1 && a[targetStart] == '*';
            if (!(asterisk && method == Method.OPTIONS)) {
                String authority = absoluteFormAuthority(a, targetStart, sp2);
                if (authority == null) {
                    throw MalformedHttpException.malformed("request target is neither a path nor an absolute "
                            + "http(s) URI: '" + HttpChars.printable(a, targetStart, sp2 - targetStart) + "'");
                }
                if (hostHeader != null && !Authority.host(authority).equals(Authority.host(hostHeader))) {
                    throw MalformedHttpException.malformed("request target host '" + authority
                            + "' differs from Host '" + hostHeader + "'");
                }
                if (routingAuthority == null) {
                    routingAuthority = authority;
                }
            }
        }

        boolean chunked = false;
        int encodings = fields.count(Field.TRANSFER_ENCODING);
        int lengths = fields.count(Field.CONTENT_LENGTH);
        if (encodings > 0) {
            if (http10) {
                throw MalformedHttpException.malformed("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (encodings > 1 || !fields.valueIs(fields.first(Field.TRANSFER_ENCODING), "chunked")) {
                throw MalformedHttpException.malformed("Transfer-Encoding other than a single 'chunked'");
            }
            if (lengths > 0) {
                throw MalformedHttpException.malformed("both Content-Length and Transfer-Encoding");
            }
            chunked = true;
        }
        long contentLength = -1;
        if (lengths > 1) {
            throw MalformedHttpException.malformed("more than one Content-Length");
        }
        if (lengths == 1) {
            int f = fields.first(Field.CONTENT_LENGTH);
            contentLength = HttpChars.decimal(a, fields.valueStart(f), fields.valueLength(f));
            if (contentLength < 0) {
                throw MalformedHttpException.malformed("Content-Length is not a number: '" + fields.value(f) + "'");
            }
        }

        boolean expectContinue = false;
        int expect = fields.first(Field.EXPECT);
        if (expect >= 0) {
            if (fields.count(Field.EXPECT) > 1 || !fields.valueIs(expect, "100-continue")) {
                throw new MalformedHttpException(MalformedHttpException.Kind.EXPECTATION_FAILED,
                        "unsupported expectation '" + fields.value(expect) + "'");
            }
            // HTTP/1.0 has no 100 Continue: the client sends its body anyway.
            expectContinue = !http10;
        }

        boolean keepAlive = http10 ? fields.connectionHas("keep-alive") : !fields.connectionHas("close");
        int upgrade = fields.first(Field.UPGRADE);
        boolean bodyless = !chunked && contentLength <= 0;
        boolean webSocket = !http10 && method == Method.GET && bodyless && upgrade >= 0
                && fields.count(Field.UPGRADE) == 1 && fields.valueIs(upgrade, "websocket")
                && fields.connectionHas("upgrade");

        int requestIdField = fields.first(Field.X_REQUEST_ID);
        if (requestIdField >= 0 && !saneRequestId(a, fields.valueStart(requestIdField),
                fields.valueLength(requestIdField))) {
            requestIdField = -1;
        }
        this.length = length;
        this.method = method;
        this.methodLength = sp1;
        this.targetStart = targetStart;
        this.targetEnd = sp2;
        this.http10 = http10;
        this.hostHeader = hostHeader;
        this.host = routingAuthority != null && routingAuthority == lastHostHeader ? lastHost
                : Authority.host(routingAuthority);
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.webSocket = webSocket;
        this.expectContinue = expectContinue;
        this.requestIdField = requestIdField;
    }

    /**
     * The value of the Host field {@code f}, checked. The same bytes as the previous head's give the same string
     * without a new one or a new check: the requests of a keep-alive connection nearly always name one host.
     */
    private String hostHeader(byte[] a, int f) throws MalformedHttpException {
        int from = fields.valueStart(f);
        int len = fields.valueLength(f);
        if (lastHostHeader != null && java.util.Arrays.equals(a, from, from + len, lastHostBytes, 0,
                lastHostBytes.length)) {
            return lastHostHeader;
        }
        String value = HttpChars.ascii(a, from, len);
        if (!Authority.isValid(value)) {
            throw MalformedHttpException.malformed("Host header is not a host name or address: '"
                    + HttpChars.printable(a, from, len) + "'");
        }
        lastHostBytes = java.util.Arrays.copyOfRange(a, from, from + len);
        lastHostHeader = value;
        lastHost = Authority.host(value);
        return value;
    }

    /** The authority of {@code http://authority/path}, or {@code null} if the target is not of that form. */
    private static String absoluteFormAuthority(byte[] a, int from, int to) {
        int start;
        if (to - from > 7 && HttpChars.equalsLower(a, from, 7, "http://")) {
            start = from + 7;
        } else if (to - from > 8 && HttpChars.equalsLower(a, from, 8, "https://")) {
            start = from + 8;
        } else {
            return null;
        }
        int end = start;
        while (end < to && a[end] != '/' && a[end] != '?' && a[end] != '#') {
            end++;
        }
        String authority = HttpChars.ascii(a, start, end - start);
        return Authority.isValid(authority) ? authority : null;
    }

    private static boolean saneRequestId(byte[] a, int from, int len) {
        if (len == 0 || len > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = from; i < from + len; i++) {
            if (a[i] < 0x21 || a[i] > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The head's bytes; valid in {@code [0, length())}. */
    public byte[] bytes() {
        return bytes;
    }

    /** The head's length, from the request line to the end of the empty line. */
    public int length() {
        return length;
    }

    public Method method() {
        return method;
    }

    public int methodLength() {
        return methodLength;
    }

    public int targetStart() {
        return targetStart;
    }

    public int targetEnd() {
        return targetEnd;
    }

    public String methodText() {
        return HttpChars.ascii(bytes, 0, methodLength);
    }

    /** The request target as sent: {@code /cart?id=3}. */
    public String target() {
        return HttpChars.ascii(bytes, targetStart, targetEnd - targetStart);
    }

    /** The path of the target, without query or fragment: what routes match their prefixes against. */
    public String path() {
        int p = targetStart;
        if (bytes[p] != '/') {
            // absolute form: skip the scheme and authority; "*" has no path
            int slashes = 0;
            while (p < targetEnd && slashes < 3) {
                if (bytes[p] == '/') {
                    slashes++;
                }
                p++;
            }
            if (slashes < 3) {
                return "/";
            }
            p--;
        }
        int end = p;
        while (end < targetEnd && bytes[end] != '?' && bytes[end] != '#') {
            end++;
        }
        return HttpChars.ascii(bytes, p, end - p);
    }

    public boolean http10() {
        return http10;
    }

    public Fields fields() {
        return fields;
    }

    /** The {@code Host} header as sent, or null (HTTP/1.0). */
    public String hostHeader() {
        return hostHeader;
    }

    /** The host routed on: the {@code Host} header's (or an absolute target's) host, without port, lowercase. */
    public String host() {
        return host;
    }

    /** The declared body length; -1 when there is no {@code Content-Length}. */
    public long contentLength() {
        return contentLength;
    }

    public boolean chunked() {
        return chunked;
    }

    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /** Whether the client wants the connection kept open after the response. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether this is a WebSocket handshake the router passes through. */
    public boolean webSocket() {
        return webSocket;
    }

    /** Whether the client waits for {@code 100 Continue} before it sends its body. */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** The index of a usable {@code X-Request-Id} field the client sent, or -1. */
    public int requestIdField() {
        return requestIdField;
    }
}
