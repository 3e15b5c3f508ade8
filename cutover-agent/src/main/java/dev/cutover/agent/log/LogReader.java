package dev.cutover.agent.log;

import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads an instance's log in chunks that end on a line boundary. */
public final class LogReader {

    private LogReader() {}

    /**
     * Reads {@code file} from {@code offset} (negative: that many bytes from the end, moved forward to the next line
     * start), at most {@code maxBytes}, ending at the last complete line; a single line longer than {@code maxBytes}
     * is returned in pieces. {@code finished} says that nothing more will be written: then a trailing line without a
     * newline is returned too, and the chunk is {@code ended} once the whole file was read.
     */
    public static LogChunk read(Path file, long offset, int maxBytes, boolean finished) throws IOException {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 1 or more)");
        }
        if (!Files.exists(file)) {
            return new LogChunk("", Math.max(offset, 0), finished);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long start = offset >= 0 ? Math.min(offset, size) : Math.max(0, size + offset);
            if (offset < 0 && start > 0) {
                start = nextLineStart(ch, start, size);
            }
            int want = (int) Math.min(maxBytes, size - start);
            ByteBuffer buf = ByteBuffer.allocate(want);
            while (buf.hasRemaining() && ch.read(buf, start + buf.position()) > 0) {
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
            String text = new String(buf.array(), 0, cut, StandardCharsets.UTF_8);
            return new LogChunk(text, next, finished && next >= size);
        } catch (NoSuchFileException e) {
            return new LogChunk("", Math.max(offset, 0), finished);
        }
    }

    /** The first line start at or after {@code pos}. */
    private static long nextLineStart(FileChannel ch, long pos, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        if (ch.read(one, pos - 1) == 1 && one.get(0) == '\n') {
            return pos;
        }
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long p = pos;
        while (p < size) {
            buf.clear();
            int n = ch.read(buf, p);
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

    private static int lastIndexOf(byte[] a, int len, byte b) {
        for (int i = len - 1; i >= 0; i--) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
