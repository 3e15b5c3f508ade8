package dev.cutover.router.http;

/**
 * The header fields of one head, as an index into its bytes: for each field the name's and the value's range (the
 * value without surrounding whitespace) and its {@link Field}. Parsed again for each head of a connection, into the
 * same index array, so that a keep-alive connection allocates nothing for its fields; read it only while the head it
 * was parsed from is the current one.
 */
public final class Fields {

    /** More fields than this in one head is a 431, whatever their size: no client needs them. */
    static final int MAX_FIELDS = 256;

    private static final int STRIDE = 5;
    private static final int NAME = 0;
    private static final int NAME_LEN = 1;
    private static final int VALUE = 2;
    private static final int VALUE_LEN = 3;
    private static final int KIND = 4;

    private byte[] bytes = new byte[0];
    private int[] index = new int[STRIDE * 8];
    private int count;

    Fields() {}

    public int count() {
        return count;
    }

    public Field kind(int i) {
        return Field.of(index[i * STRIDE + KIND]);
    }

    public int nameStart(int i) {
        return index[i * STRIDE + NAME];
    }

    public int nameLength(int i) {
        return index[i * STRIDE + NAME_LEN];
    }

    public int valueStart(int i) {
        return index[i * STRIDE + VALUE];
    }

    public int valueLength(int i) {
        return index[i * STRIDE + VALUE_LEN];
    }

    /** The value of field {@code i} as text. */
    public String value(int i) {
        return HttpChars.ascii(bytes, valueStart(i), valueLength(i));
    }

    /** The first field of a kind, or -1. */
    public int first(Field kind) {
        for (int i = 0; i < count; i++) {
            if (index[i * STRIDE + KIND] == kind.ordinal()) {
                return i;
            }
        }
        return -1;
    }

    /** How many fields of a kind there are. */
    public int count(Field kind) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (index[i * STRIDE + KIND] == kind.ordinal()) {
                n++;
            }
        }
        return n;
    }

    /** The value of the first field with this name (any case), or null: for tests and rare lookups. */
    public String get(String name) {
        for (int i = 0; i < count; i++) {
            if (HttpChars.equalsLower(bytes, nameStart(i), nameLength(i), name.toLowerCase(java.util.Locale.ROOT))) {
                return value(i);
            }
        }
        return null;
    }

    /**
     * Whether any {@code Connection} field lists {@code token} (lowercase), comma-separated, ignoring case and
     * whitespace.
     */
    public boolean connectionHas(String token) {
        for (int i = 0; i < count; i++) {
            if (index[i * STRIDE + KIND] == Field.CONNECTION.ordinal() && listHas(i, token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the comma-separated list in field {@code i} has {@code token} (lowercase), ignoring case. */
    public boolean listHas(int i, String token) {
        byte[] t = token.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return listHas(i, t, 0, t.length);
    }

    /** Whether the comma-separated list in field {@code i} has the token {@code b[from, from + len)}, any case. */
    private boolean listHas(int i, byte[] b, int from, int len) {
        int p = valueStart(i);
        int end = p + valueLength(i);
        while (p < end) {
            int comma = p;
            while (comma < end && bytes[comma] != ',') {
                comma++;
            }
            int s = p;
            int e = comma;
            while (s < e && (bytes[s] == ' ' || bytes[s] == '\t')) {
                s++;
            }
            while (e > s && (bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
                e--;
            }
            if (HttpChars.equalsIgnoreCase(bytes, s, e - s, b, from, len)) {
                return true;
            }
            p = comma + 1;
        }
        return false;
    }

    /** Whether the value of field {@code i} is exactly {@code lower}, ignoring case. */
    public boolean valueIs(int i, String lower) {
        return HttpChars.equalsLower(bytes, valueStart(i), valueLength(i), lower);
    }

    /**
     * {@code a}, or a larger array when a head of {@code length} bytes does not fit: at least twice as large, up to
     * {@code max} (a head is never longer). The bytes are not copied; the head is read in whole.
     */
    static byte[] room(byte[] a, int length, int max) {
        return a.length >= length ? a : new byte[Math.max(length, Math.min(2 * a.length, max))];
    }

    /**
     * Parses the header lines of {@code a} from {@code from} (the start of the first field line) to the empty line
     * that ends the head, which must end at {@code end}.
     */
    void parse(byte[] a, int from, int end) throws MalformedHttpException {
        bytes = a;
        this.count = 0; // a head that fails to parse leaves no fields of the previous one
        int count = 0;
        int p = from;
        while (true) {
            int lf = indexOf(a, (byte) '\n', p, end);
            if (lf < 0) {
                throw MalformedHttpException.malformed("header section does not end with an empty line");
            }
            int lineEnd = lf > p && a[lf - 1] == '\r' ? lf - 1 : lf;
            if (lineEnd == p) {
                if (lf + 1 != end) {
                    throw MalformedHttpException.malformed("bytes after the end of the header section");
                }
                break;
            }
            if (a[p] == ' ' || a[p] == '\t') {
                throw MalformedHttpException.malformed("obsolete line folding in the header section");
            }
            int n = p;
            while (n < lineEnd && HttpChars.isToken(a[n])) {
                n++;
            }
            if (n == lineEnd) {
                throw MalformedHttpException.malformed("header line without a colon: '"
                        + HttpChars.printable(a, p, lineEnd - p) + "'");
            }
            if (a[n] != ':') {
                throw MalformedHttpException.malformed(a[n] == ' ' || a[n] == '\t'
                        ? "whitespace before the colon of header '" + HttpChars.printable(a, p, n - p) + "'"
                        : "header name is not a token: '" + HttpChars.printable(a, p, lineEnd - p) + "'");
            }
            if (n == p) {
                throw MalformedHttpException.malformed("empty header name");
            }
            int v = n + 1;
            while (v < lineEnd && (a[v] == ' ' || a[v] == '\t')) {
                v++;
            }
            int ve = lineEnd;
            while (ve > v && (a[ve - 1] == ' ' || a[ve - 1] == '\t')) {
                ve--;
            }
            for (int i = v; i < ve; i++) {
                if (!HttpChars.isFieldValue(a[i])) {
                    throw MalformedHttpException.malformed("control character in the value of header '"
                            + HttpChars.printable(a, p, n - p) + "'");
                }
            }
            if (count == MAX_FIELDS) {
                throw new MalformedHttpException(MalformedHttpException.Kind.HEADERS_TOO_LARGE,
                        "more than " + MAX_FIELDS + " header fields");
            }
            if ((count + 1) * STRIDE > index.length) {
                index = java.util.Arrays.copyOf(index, index.length * 2);
            }
            int at = count * STRIDE;
            index[at + NAME] = p;
            index[at + NAME_LEN] = n - p;
            index[at + VALUE] = v;
            index[at + VALUE_LEN] = ve - v;
            index[at + KIND] = Field.classify(a, p, n - p).ordinal();
            count++;
            p = lf + 1;
        }
        this.count = count;
        markNamedInConnection();
    }

    /** Fields a {@code Connection} header lists are hop-by-hop too: marks them, unless they are the router's. */
    private void markNamedInConnection() {
        for (int c = 0; c < count; c++) {
            if (index[c * STRIDE + KIND] != Field.CONNECTION.ordinal()) {
                continue;
            }
            for (int i = 0; i < count; i++) {
                if (index[i * STRIDE + KIND] == Field.OTHER.ordinal() && lists(c, i)) {
                    index[i * STRIDE + KIND] = Field.NAMED_IN_CONNECTION.ordinal();
                }
            }
        }
    }

    /** Whether the Connection field {@code c} lists the name of field {@code i}. */
    private boolean lists(int c, int i) {
        return listHas(c, bytes, nameStart(i), nameLength(i));
    }

    static int indexOf(byte[] a, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
