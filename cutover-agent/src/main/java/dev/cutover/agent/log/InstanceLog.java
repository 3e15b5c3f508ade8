package dev.cutover.agent.log;

import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One instance's log as a single stream of bytes at stable logical offsets, made of rotated segments and the live
 * file the process appends to:
 *
 * <pre>
 *  logs/ID.log.0         [0, 10 MiB)            rotated segment, named by its first offset
 *  logs/ID.log.10485771  [10485771, 20971630)   rotated segment
 *  logs/ID.log           [20971630, size)       live; everything before 20971630 is a punched hole
 *  logs/ID.log.idx       time marks (LogIndex)
 * </pre>
 *
 * Rotation copies the live file's bytes up to its last complete line into a new segment, then punches them out of
 * the live file ({@link HolePuncher}). The process never notices: its O_APPEND writes keep going to the same file at
 * its end, no byte is lost and no offset moves. Thread-safe: rotation and reads hold this object's lock, so that a
 * read never sees a range that is being punched or a segment that is being deleted.
 */
final class InstanceLog {

    private final Path live;
    private final String segmentPrefix;
    private final LogIndex index;
    /** Segments by first offset. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();

    private InstanceLog(Path live, LogIndex index) {
        this.live = live;
        this.segmentPrefix = live.getFileName() + ".";
        this.index = index;
    }

    static InstanceLog open(Path logsDir, String id) throws IOException {
        Path live = logsDir.resolve(id + ".log");
        InstanceLog log = new InstanceLog(live, LogIndex.load(logsDir.resolve(id + ".log.idx")));
        try (Stream<Path> files = Files.list(logsDir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(log.segmentPrefix)) {
                    String rest = name.substring(log.segmentPrefix.length());
                    if (!rest.isEmpty() && rest.length() < 19 && rest.chars().allMatch(Character::isDigit)) {
                        log.segments.put(Long.parseLong(rest), p);
                    }
                }
            }
        }
        return log;
    }

    /** Where the live file's own bytes begin: the end of the newest segment. */
    private long liveStart() throws IOException {
        var newest = segments.lastEntry();
        return newest == null ? 0 : newest.getKey() + Files.size(newest.getValue());
    }

    private static long sizeOf(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Marks the log's current size with {@code nowMillis} when it grew, then rotates it when it is too big. */
    synchronized void tick(long nowMillis, LogPolicy policy, boolean mayRotate) throws IOException {
        long size = sizeOf(live);
        if (size > index.lastOffset()) {
            index.mark(size, nowMillis);
        }
        if (mayRotate && size - liveStart() > policy.maxBytes()) {
            rotate(size, policy.keep());
        }
    }

    private void rotate(long size, int keep) throws IOException {
        long start = liveStart();
        try (FileChannel in = FileChannel.open(live, StandardOpenOption.READ)) {
            long cut = lastLineEnd(in, start, size);
            Path segment = live.resolveSibling(segmentPrefix + start);
            Path tmp = live.resolveSibling("." + segment.getFileName() + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long done = 0; done < cut - start; ) {
                    long n = in.transferTo(start + done, cut - start - done, out);
                    if (n <= 0) {
                        throw new IOException(live + " shrank while it was rotated");
                    }
                    done += n;
                }
                out.force(false); // on disk before its bytes leave the live file
            }
            Files.move(tmp, segment, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            segments.put(start, segment);
            // From 0, not from start: also frees what an agent that crashed between copy and punch left behind.
            // Punching a hole again is a no-op.
            HolePuncher.punch(live, 0, cut);
        }
        while (segments.size() > keep) {
            Files.deleteIfExists(segments.pollFirstEntry().getValue());
        }
        index.trimBelow(segments.firstKey());
    }

    /** The offset after the last newline in {@code [from, to)}; {@code to} when there is none (one huge line). */
    private static long lastLineEnd(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        for (long end = to; end > from; ) {
            long begin = Math.max(from, end - buf.capacity());
            buf.clear().limit((int) (end - begin));
            while (buf.hasRemaining() && ch.read(buf, begin + buf.position()) > 0) {
                // fill
            }
            int i = LogReader.lastIndexOf(buf.array(), buf.position(), (byte) '\n');
            if (i >= 0) {
                return begin + i + 1;
            }
            end = begin;
        }
        return to;
    }

    /** Reads as {@link LogReader#read} describes, each line with its time; unmarked lines get {@code nowMillis}. */
    synchronized LogChunk read(long offset, int maxBytes, boolean finished, long nowMillis) throws IOException {
        try (View view = new View()) {
            return timed(LogReader.read(view, offset, maxBytes, finished), nowMillis);
        }
    }

    /** Reads from the first line written at or after {@code since}. */
    synchronized LogChunk readSince(Instant since, int maxBytes, boolean finished, long nowMillis) throws IOException {
        try (View view = new View()) {
            long from = Math.max(view.start(), Math.min(index.offsetBefore(since.toEpochMilli()), view.end()));
            from = LogReader.lineStartAtOrBefore(view, from);
            LogChunk chunk = timed(LogReader.read(view, from, maxBytes, finished), nowMillis);
            // The mark before `since` may fall inside a line older than `since`: drop such lines.
            List<LogChunk.Line> lines = chunk.lines();
            int skip = 0;
            while (skip < lines.size() && lines.get(skip).time().isBefore(since)) {
                skip++;
            }
            if (skip == 0) {
                return chunk;
            }
            StringBuilder text = new StringBuilder();
            List<Instant> times = new ArrayList<>();
            for (int i = skip; i < lines.size(); i++) {
                text.append(lines.get(i).text()).append('\n');
                times.add(lines.get(i).time());
            }
            if (!chunk.text().endsWith("\n") && text.length() > 0) {
                text.setLength(text.length() - 1);
            }
            return new LogChunk(text.toString(), chunk.next(), chunk.ended(), times);
        }
    }

    private LogChunk timed(LogReader.Raw raw, long nowMillis) {
        List<Instant> times = new ArrayList<>();
        byte[] b = raw.bytes();
        int lineStart = 0;
        for (int i = 0; i < raw.length(); i++) {
            if (b[i] == '\n') {
                times.add(Instant.ofEpochMilli(index.timeOf(raw.start() + i + 1, nowMillis)));
                lineStart = i + 1;
            }
        }
        if (lineStart < raw.length()) {
            times.add(Instant.ofEpochMilli(index.timeOf(raw.start() + raw.length(), nowMillis)));
        }
        return new LogChunk(new String(b, 0, raw.length(), StandardCharsets.UTF_8), raw.next(), raw.ended(), times);
    }

    /** The segments and the live file as one stream of bytes; opened per read, under the lock. */
    private final class View implements LogReader.Bytes, AutoCloseable {
        private final long start;
        private final long liveStart;
        private final long end;
        private FileChannel open;
        private Path openPath;

        View() throws IOException {
            this.start = segments.isEmpty() ? 0 : segments.firstKey();
            this.liveStart = liveStart();
            this.end = Math.max(liveStart, sizeOf(live));
        }

        @Override
        public long start() {
            return start;
        }

        @Override
        public long end() {
            return end;
        }

        @Override
        public int read(long pos, ByteBuffer buf) throws IOException {
            if (pos < start || pos >= end) {
                return -1;
            }
            Path file;
            long fileEnd;
            if (pos >= liveStart) {
                file = live;
                fileEnd = end;
            } else {
                var seg = segments.floorEntry(pos);
                file = seg.getValue();
                fileEnd = seg.getKey() + Files.size(file);
                pos -= seg.getKey();
                fileEnd -= seg.getKey();
            }
            if (!file.equals(openPath)) {
                close();
                try {
                    open = FileChannel.open(file, StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    return -1;
                }
                openPath = file;
            }
            // Do not read across a piece's end in one go: the next piece is another file.
            int room = (int) Math.min(buf.remaining(), fileEnd - pos);
            if (room <= 0) {
                return -1;
            }
            ByteBuffer slice = buf.slice(buf.position(), room);
            int n = open.read(slice, pos);
            if (n > 0) {
                buf.position(buf.position() + n);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (open != null) {
                open.close();
                open = null;
                openPath = null;
            }
        }
    }
}
