package dev.cutover.router.http;

import java.util.Locale;

/** Host names as the router compares them, and what a {@code Host} header may hold. */
public final class Authority {

    private Authority() {}

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; no user info, spaces or paths. */
    public static boolean isValid(String value) {
        String text = value.trim();
        if (text.isEmpty() || text.length() > 255) {
            return false;
        }
        int i = 0;
        if (text.charAt(0) == '[') {
            int close = text.indexOf(']');
            if (close < 0) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = text.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < text.length() && text.charAt(i) != ':'; i++) {
                char c = text.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                        || c == '_')) {
                    return false;
                }
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == text.length()) {
            return true;
        }
        if (text.charAt(i) != ':' || i + 1 == text.length() || text.length() - i - 1 > 5) {
            return false;
        }
        for (int p = i + 1; p < text.length(); p++) {
            if (text.charAt(p) < '0' || text.charAt(p) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The host of an authority, without port, lowercase: {@code Shop.Example.com:8080} is {@code shop.example.com}. */
    public static String host(String authority) {
        if (authority == null) {
            return "";
        }
        String host = authority.trim();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(0, end + 1);
        } else {
            int colon = host.lastIndexOf(':');
            host = colon < 0 ? host : host.substring(0, colon);
        }
        return normalize(host);
    }

    /** Lowercase, without a trailing dot: the form hosts are compared in. */
    public static String normalize(String host) {
        String trimmed = host.trim();
        boolean lower = true;
        for (int i = 0; i < trimmed.length() && lower; i++) {
            char c = trimmed.charAt(i);
            lower = !(c >= 'A' && c <= 'Z');
        }
        String result = lower ? trimmed : trimmed.toLowerCase(Locale.ROOT);
        return result.endsWith(".") ? result.substring(0, result.length() - 1) : result;
    }
}
