package dev.cutover.agent.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The time marks of one log: (offset, time) pairs, appended whenever the agent sees the log grow, offsets and times
 * both non-decreasing. A line's time is the time of the first mark at or after its end: the first moment the agent
 * saw it complete. Kept in memory and in a sidecar file of 16-byte records (offset, epoch millis), so that an agent
 * restart keeps the times of what was written before. Not thread-safe: confined to its {@link InstanceLog}'s lock.
 */
final class LogIndex {

    private static final int RECORD = 16;

    private final Path file;
    private long[] offsets = new long[16];
    private long[] millis = new long[16];
    private int size;

    private LogIndex(Path file) {
        this.file = file;
    }

    /** Loads the marks in {@code file}; a torn last record (a crash mid-append) is ignored. */
    static LogIndex load(Path file) throws IOException {
        LogIndex index = new LogIndex(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return index;
        }
        if (bytes.length % RECORD != 0) {
            // Cut the torn record off, or every later append would be misaligned.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(bytes.length - bytes.length % RECORD);
            }
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, bytes.length - bytes.length % RECORD);
        while (buf.remaining() >= RECORD) {
            index.add(buf.getLong(), buf.getLong());
        }
        return index;
    }

    /** The offset of the newest mark, -1 when there is none. */
    long lastOffset() {
        return size == 0 ? -1 : offsets[size - 1];
    }

    /** Records that the log had {@code offset} bytes at {@code epochMillis}, in memory and in the sidecar file. */
    void mark(long offset, long epochMillis) throws IOException {
        if (size > 0) {
            epochMillis = Math.max(epochMillis, millis[size - 1]); // a clock stepping back must not reorder lines
        }
        add(offset, epochMillis);
        ByteBuffer buf = ByteBuffer.allocate(RECORD).putLong(offset).putLong(epochMillis).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    private void add(long offset, long epochMillis) {
        if (size > 0 && offset <= offsets[size - 1]) {
            return;
        }
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
            millis = Arrays.copyOf(millis, size * 2);
        }
        offsets[size] = offset;
        millis[size] = epochMillis;
        size++;
    }

    /** The time of a line ending at {@code end}; {@code unmarked} when no mark covers it yet. */
    long timeOf(long end, long unmarked) {
        int i = Arrays.binarySearch(offsets, 0, size, end);
        if (i < 0) {
            i = -i - 1; // the first mark above end
        }
        return i < size ? millis[i] : unmarked;
    }

    /**
     * An offset from which every line has a time at or after {@code epochMillis}, and before which (down to the
     * previous mark) every line is earlier: the offset of the last mark before that time, 0 when there is none.
     * Lines ending after it get the time of a later mark, which is at or after {@code epochMillis}.
     */
    long offsetBefore(long epochMillis) {
        long found = 0;
        for (int lo = 0, hi = size - 1; lo <= hi; ) {
            int mid = (lo + hi) >>> 1;
            if (millis[mid] < epochMillis) {
                found = offsets[mid];
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Drops marks below {@code offset} except the last of them, and rewrites the sidecar file (temp + rename). */
    void trimBelow(long offset) throws IOException {
        int first = 0;
        while (first + 1 < size && offsets[first + 1] <= offset) {
            first++;
        }
        if (first == 0) {
            return;
        }
        offsets = Arrays.copyOfRange(offsets, first, Math.max(first + 16, size));
        millis = Arrays.copyOfRange(millis, first, Math.max(first + 16, size));
        size -= first;
        ByteBuffer buf = ByteBuffer.allocate(size * RECORD);
        for (int i = 0; i < size; i++) {
            buf.putLong(offsets[i]).putLong(millis[i]);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, buf.array());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    int size() {
        return size;
    }
}
