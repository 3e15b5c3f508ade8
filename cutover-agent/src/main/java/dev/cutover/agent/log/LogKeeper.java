package dev.cutover.agent.log;

import dev.cutover.model.agent.LogChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the logs of the instances an agent knows: every {@link LogPolicy#markInterval()} it notes each log's size
 * with the time (which dates its lines) and rotates the logs that grew past {@link LogPolicy#maxBytes()}. Reads go
 * through it so that they never race a rotation. Its thread never dies: a failing tick is logged and counted.
 */
public final class LogKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogKeeper.class);

    private final Path dir;
    private final LogPolicy policy;
    private final Clock clock;
    private final Supplier<? extends Collection<String>> watched;
    private final boolean canRotate;
    private final Map<String, InstanceLog> open = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;
    private final Semaphore stop = new Semaphore(0);
    private volatile boolean running = true;

    private LogKeeper(Path dir, LogPolicy policy, Clock clock, Supplier<? extends Collection<String>> watched) {
        this.dir = dir;
        this.policy = policy;
        this.clock = clock;
        this.watched = watched;
        this.canRotate = HolePuncher.supported(dir);
        if (!canRotate) {
            log.warn("the filesystem of {} cannot punch holes (fallocate PUNCH_HOLE): instance logs are not rotated "
                    + "and grow without bound; put the agent's data directory on ext4, XFS, btrfs or tmpfs", dir);
        }
        this.thread = Thread.ofPlatform().name("cutover-agent-logs").daemon(true).unstarted(this::run);
    }

    /**
     * Starts keeping the logs in {@code dir} of the instances {@code watched} names (asked again on every tick).
     */
    public static LogKeeper start(Path dir, LogPolicy policy, Clock clock,
            Supplier<? extends Collection<String>> watched) {
        LogKeeper keeper = new LogKeeper(dir, policy, clock, watched);
        keeper.thread.start();
        return keeper;
    }

    public LogPolicy policy() {
        return policy;
    }

    /** Reads instance {@code id}'s log from {@code offset}, as {@link LogReader#read} describes, with line times. */
    public LogChunk read(String id, long offset, int maxBytes, boolean finished) throws IOException {
        return log(id).read(offset, maxBytes, finished, clock.millis());
    }

    /** Reads instance {@code id}'s log from the first line written at or after {@code since}. */
    public LogChunk readSince(String id, Instant since, int maxBytes, boolean finished) throws IOException {
        return log(id).readSince(since, maxBytes, finished, clock.millis());
    }

    private InstanceLog log(String id) throws IOException {
        try {
            return open.computeIfAbsent(id, i -> {
                try {
                    return InstanceLog.open(dir, i);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void run() {
        long interval = policy.markInterval().toMillis();
        while (running) {
            try {
                if (stop.tryAcquire(interval, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                tick();
            } catch (RuntimeException | IOException | LinkageError e) {
                log.error("log tick failed ({} so far); continuing", failures.incrementAndGet(), e);
            }
        }
    }

    /**
     * How long the log of an instance or run this agent no longer has is kept after its last write: long enough to
     * read what happened before a deployment that failed last week, bounded so that a host that deploys every day
     * does not keep every instance's log for good.
     */
    public static final Duration KEEP_ENDED = Duration.ofDays(7);
    /** How often the logs are looked through for ones past {@link #KEEP_ENDED}. */
    static final Duration EXPIRE_EVERY = Duration.ofHours(1);

    private long nextExpiry;
    /** {@code ID.log}, {@code ID.log.idx} and the segments {@code ID.log.OFFSET}. */
    private static final Pattern LOG_FILE = Pattern.compile("(.+)\\.log(?:\\.idx|\\.[0-9]+)?");

    /**
     * Deletes the files (live file, index, segments) of each log whose id {@code watched} no longer names and that
     * nothing was written to since {@code now - keep}; returns the ids whose logs went.
     */
    Set<String> expire(Instant now, Duration keep) throws IOException {
        Set<String> ids = new HashSet<>(watched.get());
        Map<String, List<Path>> files = new HashMap<>();
        Map<String, Instant> lastWrite = new HashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                Matcher m = LOG_FILE.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                String id = m.group(1);
                files.computeIfAbsent(id, k -> new ArrayList<>()).add(p);
                try {
                    Instant modified = Files.getLastModifiedTime(p).toInstant();
                    lastWrite.merge(id, modified, (a, b) -> a.isAfter(b) ? a : b);
                } catch (NoSuchFileException e) {
                    // a segment deleted by rotation meanwhile
                }
            }
        }
        Set<String> expired = new HashSet<>();
        Instant before = now.minus(keep);
        for (var e : files.entrySet()) {
            String id = e.getKey();
            if (ids.contains(id) || open.containsKey(id) || lastWrite.getOrDefault(id, now).isAfter(before)) {
                continue;
            }
            for (Path p : e.getValue()) {
                Files.deleteIfExists(p);
            }
            expired.add(id);
        }
        if (!expired.isEmpty()) {
            log.info("deleted the logs of {} instance(s) and run(s) gone for over {}: {}", expired.size(), keep,
                    expired.stream().sorted().toList());
        }
        return expired;
    }

    /** One round: mark and maybe rotate every watched log; a last mark for the rest, which are then let go. */
    void tick() throws IOException {
        Set<String> ids = new HashSet<>(watched.get());
        long now = clock.millis();
        for (String id : ids) {
            try {
                log(id).tick(now, policy, canRotate);
            } catch (IOException | RuntimeException e) {
                log.warn("instance {}: cannot mark or rotate its log ({} failures so far)", id,
                        failures.incrementAndGet(), e);
            }
        }
        for (var e : open.entrySet()) {
            if (!ids.contains(e.getKey())) {
                e.getValue().tick(now, policy, false);
                open.remove(e.getKey(), e.getValue());
            }
        }
        if (now >= nextExpiry) {
            nextExpiry = now + EXPIRE_EVERY.toMillis();
            expire(Instant.ofEpochMilli(now), KEEP_ENDED);
        }
    }

    @Override
    public void close() {
        running = false;
        stop.release(); // not an interrupt: that would close a file channel half-way through a rotation
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
