package dev.cutover.agent.log;

import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads a log in chunks that end on a line boundary. */
public final class LogReader {

    /** A log's bytes at logical offsets: {@code [start, end)} is readable. */
    interface Bytes {
        long start();

        long end();

        /** Reads from {@code pos} into {@code buf}; returns how many bytes, 0 or less at the end. */
        int read(long pos, ByteBuffer buf) throws IOException;
    }

    /** What {@link #read(Bytes, long, int, boolean)} found: {@code bytes[0, length)} starts at {@code start}. */
    record Raw(long start, byte[] bytes, int length, long next, boolean ended) {}

    private LogReader() {}

    /** Reads one plain file as in {@link #read(Bytes, long, int, boolean)}, without times. */
    public static LogChunk read(Path file, long offset, int maxBytes, boolean finished) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Raw raw = read(new Bytes() {
                @Override
                public long start() {
                    return 0;
                }

                @Override
                public long end() {
                    return size;
                }

                @Override
                public int read(long pos, ByteBuffer buf) throws IOException {
                    return ch.read(buf, pos);
                }
            }, offset, maxBytes, finished);
            return new LogChunk(new String(raw.bytes(), 0, raw.length(), java.nio.charset.StandardCharsets.UTF_8),
                    raw.next(), raw.ended());
        } catch (NoSuchFileException e) {
            return new LogChunk("", Math.max(offset, 0), finished);
        }
    }

    /**
     * Reads from {@code offset} (negative: that many bytes from the end, moved forward to the next line start; below
     * the start: from the start), at most {@code maxBytes}, ending at the last complete line; a single line longer
     * than {@code maxBytes} is returned in pieces. {@code finished} says that nothing more will be written: then a
     * trailing line without a newline is returned too, and the chunk is {@code ended} once everything was read.
     */
    static Raw read(Bytes log, long offset, int maxBytes, boolean finished) throws IOException {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 1 or more)");
        }
        long size = log.end();
        long start = offset >= 0 ? Math.min(offset, size) : Math.max(0, size + offset);
        if (start < log.start()) {
            start = log.start();
        } else if (offset < 0 && start > log.start()) {
            start = nextLineStart(log, start, size);
        }
        int want = (int) Math.min(maxBytes, size - start);
        ByteBuffer buf = ByteBuffer.allocate(Math.max(want, 0));
        while (buf.hasRemaining() && log.read(start + buf.position(), buf) > 0) {
            // keep reading until full or end of file
        }
        int n = buf.position();
        int cut = n;
        boolean atEnd = start + n >= size;
        if (!(finished && atEnd)) {
            int lastNewline = lastIndexOf(buf.array(), n, (byte) '\n');
            if (lastNewline >= 0) {
                cut = lastNewline + 1;
            } else if (n < maxBytes) {
                cut = 0; // a line still being written: wait for its end
            }
        }
        long next = start + cut;
        return new Raw(start, buf.array(), cut, next, finished && next >= size);
    }

    /** The first line start at or after {@code pos}. */
    static long nextLineStart(Bytes log, long pos, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        if (log.read(pos - 1, one) == 1 && one.get(0) == '\n') {
            return pos;
        }
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long p = pos;
        while (p < size) {
            buf.clear();
            int n = log.read(p, buf);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n') {
                    return p + i + 1;
                }
            }
            p += n;
        }
        return size;
    }

    /** The start of the line that holds {@code pos}, looking back at most 64 KiB (a longer line starts there). */
    static long lineStartAtOrBefore(Bytes log, long pos) throws IOException {
        long from = Math.max(log.start(), pos - 65536);
        if (pos <= from) {
            return pos;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (pos - from));
        while (buf.hasRemaining() && log.read(from + buf.position(), buf) > 0) {
            // fill
        }
        int i = lastIndexOf(buf.array(), buf.position(), (byte) '\n');
        return i >= 0 ? from + i + 1 : from;
    }

    static int lastIndexOf(byte[] a, int len, byte b) {
        for (int i = len - 1; i >= 0; i--) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
