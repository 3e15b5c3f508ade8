package dev.cutover.router.http;

import java.nio.charset.StandardCharsets;

/** Character classes of RFC 9110 and small helpers on byte arrays, for the parsers of this package. */
final class HttpChars {

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        // field-value: VCHAR, obs-text, SP and HTAB; no other control character, no DEL.
        for (int c = 0x20; c < 256; c++) {
            FIELD_VALUE[c] = c != 0x7f;
        }
        FIELD_VALUE['\t'] = true;
        // request-target: visible ASCII, and raw UTF-8 bytes some clients send unencoded; no space, no control.
        for (int c = 0x21; c < 256; c++) {
            TARGET[c] = c != 0x7f;
        }
    }

    private HttpChars() {}

    static boolean isToken(byte b) {
        return TOKEN[b & 0xff];
    }

    static boolean isFieldValue(byte b) {
        return FIELD_VALUE[b & 0xff];
    }

    static boolean isTarget(byte b) {
        return TARGET[b & 0xff];
    }

    /** Whether {@code a[from, from + len)} equals the lowercase ASCII {@code lower}, ignoring case. */
    static boolean equalsLower(byte[] a, int from, int len, String lower) {
        if (len != lower.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int c = a[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code a[from, from + len)} is exactly the ASCII {@code text}. */
    static boolean equalsExact(byte[] a, int from, int len, String text) {
        if (len != text.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (a[from + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether two ranges hold the same ASCII text, ignoring case. */
    static boolean equalsIgnoreCase(byte[] a, int aFrom, int aLen, byte[] b, int bFrom, int bLen) {
        if (aLen != bLen) {
            return false;
        }
        for (int i = 0; i < aLen; i++) {
            int x = a[aFrom + i];
            int y = b[bFrom + i];
            if (x != y) {
                if (x >= 'A' && x <= 'Z') {
                    x += 'a' - 'A';
                }
                if (y >= 'A' && y <= 'Z') {
                    y += 'a' - 'A';
                }
                if (x != y) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A decimal number of 1 to 18 digits and nothing else, or -1. */
    static long decimal(byte[] a, int from, int len) {
        if (len < 1 || len > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < from + len; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** Text for messages: at most 64 characters, anything unprintable as {@code ?}. */
    static String printable(byte[] a, int from, int len) {
        StringBuilder out = new StringBuilder(Math.min(len, 64));
        for (int i = 0; i < len && i < 64; i++) {
            int c = a[from + i] & 0xff;
            out.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return out.toString();
    }

    /** The bytes as text, one character per byte (ISO-8859-1 decodes every byte, and ASCII as itself). */
    static String ascii(byte[] a, int from, int len) {
        return new String(a, from, len, StandardCharsets.ISO_8859_1);
    }
}
