package dev.cutover.router.routing;

/**
 * The form of a request's path that path prefixes are matched against, so that spellings a target reads as the same
 * path pick the same route: {@code %XX} of an unreserved character decoded (RFC 3986 2.3: {@code /%61pi} is
 * {@code /api}), dot segments removed (5.2.4: {@code /x/../api}), runs of slashes merged ({@code //api}), as nginx
 * does before it matches a location. Without it a route for {@code /api/} in front of one for {@code /} could be
 * stepped around by spelling the path another way. Only the match uses it: the target gets the path as sent. An
 * encoded slash ({@code %2F}) stays encoded: it is not a segment's end.
 */
final class MatchedPath {

    private MatchedPath() {}

    static String of(String path) {
        if (plain(path)) {
            return path; // what nearly every request is: nothing to do, nothing allocated
        }
        String decoded = decodeUnreserved(path);
        StringBuilder out = new StringBuilder(decoded.length());
        int i = 0;
        int n = decoded.length();
        while (i < n) {
            // one segment after one or more slashes
            while (i < n && decoded.charAt(i) == '/') {
                i++;
            }
            int end = decoded.indexOf('/', i);
            if (end < 0) {
                end = n;
            }
            String segment = decoded.substring(i, end);
            boolean last = end >= n;
            if (segment.equals("..")) {
                int cut = out.lastIndexOf("/");
                out.setLength(Math.max(cut, 0));
                if (last) {
                    out.append('/');
                }
            } else if (segment.equals(".")) {
                if (last) {
                    out.append('/');
                }
            } else {
                out.append('/').append(segment); // empty only after a trailing slash, which it keeps
            }
            i = end;
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    /** Whether nothing in {@code path} needs the work: no escape, no dot segment, no double slash. */
    private static boolean plain(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' || c == '/' && i + 1 < path.length()
                    && (path.charAt(i + 1) == '/' || path.charAt(i + 1) == '.')) {
                return false;
            }
        }
        return true;
    }

    private static String decodeUnreserved(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char decoded = (char) (hi << 4 | lo);
                    if (unreserved(decoded)) {
                        out.append(decoded);
                        i += 2;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean unreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
