package dev.cutover.testkit.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads one HTTP/1.x response from a stream: status line, headers, and a body framed by
 * {@code Content-Length}, {@code Transfer-Encoding: chunked} or the end of the connection. The
 * body is discarded except for a short prefix. Not thread-safe: one per connection or worker.
 *
 * <p>Errors are reported as {@link EOFException} (the peer closed before the response was
 * complete), {@link ProtocolException} (the bytes are not HTTP), or whatever the socket throws
 * ({@code SocketTimeoutException}, {@code SocketException: Connection reset}).
 */
final class HttpResponseReader {

    static final int MAX_LINE = 16 * 1024;
    static final int MAX_HEADER_LINES = 200;
    static final int BODY_PREFIX = 256;

    /** One complete response. Header names keep the server's spelling; look them up with {@link #header}. */
    record Response(String version, int status, List<String[]> headers, String bodyPrefix, long bodyLength,
                    boolean keepAlive) {

        /** The first value of a header, matched case-insensitively, or null. */
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) return h[1];
            }
            return null;
        }
    }

    private final byte[] skip = new byte[8192];
    private long bytesRead;

    /** Bytes of the current (or last) response read so far, for failure descriptions. */
    long bytesRead() {
        return bytesRead;
    }

    Response read(InputStream in) throws IOException {
        bytesRead = 0;
        while (true) {
            String statusLine = readLine(in, "status line");
            if (statusLine.isEmpty() && bytesRead <= 2) {
                // tolerate a stray CRLF between responses (RFC 9112 section 2.2)
                statusLine = readLine(in, "status line");
            }
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new ProtocolException("not an HTTP/1.x status line: " + abbreviate(statusLine));
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || parts[1].length() != 3) {
                throw new ProtocolException("malformed status line: " + abbreviate(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed status code: " + abbreviate(statusLine));
            }
            String version = parts[0];
            List<String[]> headers = readHeaders(in);
            if (status >= 100 && status < 200 && status != 101) {
                continue; // interim response (100 Continue, 103 Early Hints): the real one follows
            }
            return readBody(in, version, status, headers);
        }
    }

    private Response readBody(InputStream in, String version, int status, List<String[]> headers)
            throws IOException {
        String connection = values(headers, "Connection");
        boolean keepAlive = version.equals("HTTP/1.1")
                ? !containsToken(connection, "close")
                : containsToken(connection, "keep-alive");
        String transferEncoding = values(headers, "Transfer-Encoding");
        String contentLength = values(headers, "Content-Length");
        StringBuilder prefix = new StringBuilder();
        long length;
        if (status == 204 || status == 304 || status == 101) {
            length = 0;
        } else if (transferEncoding != null) {
            if (!lastToken(transferEncoding).equals("chunked")) {
                // a body delimited by the end of the connection
                length = readToEof(in, prefix);
                keepAlive = false;
            } else {
                length = readChunked(in, prefix);
            }
        } else if (contentLength != null) {
            long n;
            try {
                String first = contentLength.split(",")[0].trim();
                n = Long.parseLong(first);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed Content-Length: " + abbreviate(contentLength));
            }
            if (n < 0) throw new ProtocolException("negative Content-Length: " + n);
            readExactly(in, n, prefix, "body");
            length = n;
        } else {
            length = readToEof(in, prefix);
            keepAlive = false;
        }
        return new Response(version, status, List.copyOf(headers), prefix.toString(), length, keepAlive);
    }

    private List<String[]> readHeaders(InputStream in) throws IOException {
        List<String[]> headers = new ArrayList<>();
        while (true) {
            String line = readLine(in, "headers");
            if (line.isEmpty()) return headers;
            if (headers.size() >= MAX_HEADER_LINES) throw new ProtocolException("more than " + MAX_HEADER_LINES + " header lines");
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                String[] last = headers.get(headers.size() - 1); // obsolete line folding
                last[1] = last[1] + " " + line.trim();
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) throw new ProtocolException("malformed header line: " + abbreviate(line));
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
    }

    private long readChunked(InputStream in, StringBuilder prefix) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(in, "chunk size");
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed chunk size: " + abbreviate(sizeLine));
            }
            if (size < 0) throw new ProtocolException("negative chunk size: " + abbreviate(sizeLine));
            if (size == 0) {
                readHeaders(in); // trailers, up to the final empty line
                return total;
            }
            readExactly(in, size, prefix, "chunk");
            total += size;
            String end = readLine(in, "chunk end");
            if (!end.isEmpty()) throw new ProtocolException("chunk not followed by CRLF");
        }
    }

    private void readExactly(InputStream in, long n, StringBuilder prefix, String what) throws IOException {
        long left = n;
        while (left > 0) {
            int got = in.read(skip, 0, (int) Math.min(skip.length, left));
            if (got < 0) {
                throw new EOFException("connection closed in the " + what + " after " + (n - left) + " of " + n
                        + " bytes (" + bytesRead + " response bytes in all)");
            }
            keepPrefix(prefix, got);
            bytesRead += got;
            left -= got;
        }
    }

    private long readToEof(InputStream in, StringBuilder prefix) throws IOException {
        long total = 0;
        int got;
        while ((got = in.read(skip)) >= 0) {
            keepPrefix(prefix, got);
            bytesRead += got;
            total += got;
        }
        return total;
    }

    private void keepPrefix(StringBuilder prefix, int got) {
        if (prefix.length() < BODY_PREFIX) {
            int take = Math.min(got, BODY_PREFIX - prefix.length());
            prefix.append(new String(skip, 0, take, StandardCharsets.ISO_8859_1));
        }
    }

    /** A line up to LF, without CR LF; ISO-8859-1, as HTTP framing is. */
    private String readLine(InputStream in, String where) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (bytesRead == 0) throw new EOFException("connection closed before any response byte");
                throw new EOFException("connection closed in the " + where + " after " + bytesRead + " response bytes");
            }
            bytesRead++;
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') line.setLength(len - 1);
                return line.toString();
            }
            if (line.length() >= MAX_LINE) throw new ProtocolException("line longer than " + MAX_LINE + " bytes in the " + where);
            line.append((char) b);
        }
    }

    /** All values of a header joined with ", ", or null when absent. */
    private static String values(List<String[]> headers, String name) {
        String joined = null;
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) joined = joined == null ? h[1] : joined + ", " + h[1];
        }
        return joined;
    }

    private static boolean containsToken(String value, String token) {
        if (value == null) return false;
        for (String t : value.split(",")) {
            if (t.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    private static String lastToken(String value) {
        String[] tokens = value.split(",");
        return tokens[tokens.length - 1].trim().toLowerCase(Locale.ROOT);
    }

    static String abbreviate(String s) {
        String clean = s.replace("\r", "\\r").replace("\n", "\\n");
        return clean.length() <= 120 ? clean : clean.substring(0, 120) + "...";
    }
}
