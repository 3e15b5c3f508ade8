package dev.cutover.router.standalone;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.TrafficRouter;
import dev.cutover.router.tls.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a router's table equal to a routes file. Every {@code interval} it reads the file and, when its bytes
 * differ from those last seen and read the same again {@link #SETTLE_MILLIS} later (a file written in place is not
 * taken half-written), parses it whole and applies it as one new table (a version one above the last), so a
 * reader never sees half of an edit. A file that does not parse, or cannot be read, leaves the applied table alone
 * and is logged once (with the field, value and what was expected) until it changes again.
 *
 * <p>Reading the bytes, rather than watching for events or comparing modification times, survives editors that
 * replace the file by renaming, symlinked files swapped underneath (Kubernetes config maps) and file systems whose
 * timestamps are coarse; a routes file is small.
 *
 * <p>Threads: {@link #loadInitial} on the caller's thread before {@link #start}, then {@link #check} on the
 * scheduler's single thread only.
 */
public final class RoutesReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutesReloader.class);

    private final Path file;
    private final TrafficRouter router;
    private byte[] lastSeen;
    private long version;
    private volatile String lastError;
    private ScheduledFuture<?> task;
    /** The tls section as the router started with it. */
    private TlsConfig startTls;
    /** What the file asks for that only a restart applies, or null. */
    private volatile String restartNeeded;

    public RoutesReloader(Path file, TrafficRouter router) {
        this.file = Objects.requireNonNull(file, "file");
        this.router = Objects.requireNonNull(router, "router");
    }

    /** The file as read once: its bytes, and the routes and TLS settings they give. */
    public record Read(byte[] bytes, RoutesFile.Contents contents) {}

    /**
     * Reads and parses the file, TLS settings included (their paths resolved against the file's directory).
     *
     * @throws RoutesFileException when the file is not valid
     * @throws IOException when the file cannot be read ({@link #cannotRead} says why in words)
     */
    public static Read read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new Read(bytes, RoutesFile.read(new String(bytes, StandardCharsets.UTF_8),
                file.toAbsolutePath().getParent()));
    }

    /**
     * Reads, parses and applies the file once.
     *
     * @throws RoutesFileException when the file is not valid (the router must not start with it)
     * @throws IOException when the file cannot be read
     */
    public RoutingTable loadInitial() throws IOException {
        return loadInitial(read(file));
    }

    /** Applies the file as {@link #read} read it, at the start: later changes are what {@link #check} looks for. */
    public RoutingTable loadInitial(Read read) {
        RoutingTable table = new RoutingTable(version + 1, read.contents().routes());
        router.apply(table);
        version = table.version();
        lastSeen = read.bytes();
        startTls = read.contents().tls();
        return table;
    }

    /** Checks the file every {@code interval} on the given scheduler, which must run one task at a time. */
    public void start(ScheduledExecutorService scheduler, Duration interval) {
        long millis = interval.toMillis();
        task = scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            check();
        } catch (RuntimeException e) {
            // A background loop never dies: log, and try again at the next tick.
            log.warn("checking routes file {} failed", file, e);
        }
    }

    /** Applies the file if its bytes changed and it is valid; returns whether a new table was applied. */
    public boolean check() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            String error = cannotRead(file, e);
            if (!error.equals(lastError)) {
                log.warn("{}; keeping routing table v{}", error, version);
                lastError = error;
            }
            return false;
        }
        if (Arrays.equals(bytes, lastSeen)) {
            return false;
        }
        // A file being written in place (not renamed into place) can be caught half-written, and half a routes
        // file may well parse: a change is taken only once it reads the same a moment later.
        if (!settled(bytes)) {
            return false;
        }
        lastSeen = bytes;
        List<Route> routes;
        TlsConfig tls;
        try {
            RoutesFile.Contents contents = RoutesFile.read(new String(bytes, StandardCharsets.UTF_8),
                    file.toAbsolutePath().getParent());
            routes = contents.routes();
            tls = contents.tls();
        } catch (RoutesFileException e) {
            lastError = file + ": " + e.getMessage();
            log.warn("routes file {} is not valid, keeping routing table v{}: {}", file, version, e.getMessage());
            return false;
        }
        RoutingTable table = new RoutingTable(version + 1, routes);
        router.apply(table);
        version = table.version();
        lastError = null;
        log.info("routes file {} changed: applied routing table v{} ({} routes)", file, version, routes.size());
        String restart = Objects.equals(tls, startTls) ? null : file + ": its tls section changed, and it is read "
                + "at start only (the HTTPS listener, its port and which certificate files it serves): restart cutover "
                + "router to apply it; the routes were applied, and the certificate files named at start are still "
                + "reloaded when they change";
        if (restart != null && !restart.equals(restartNeeded)) {
            log.warn("{}", restart);
        }
        restartNeeded = restart;
        return true;
    }

    /** How long a changed file must stay as read before it is applied. */
    static final long SETTLE_MILLIS = 100;

    private boolean settled(byte[] bytes) {
        try {
            Thread.sleep(SETTLE_MILLIS);
            return Arrays.equals(bytes, Files.readAllBytes(file));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException e) {
            return false; // read again at the next look, which says why if it still cannot
        }
    }

    /** What the applied file asks for that only a restart of the router applies (its tls section), or null. */
    public String restartNeeded() {
        return restartNeeded;
    }

    /** Why the file's current content is not applied, or {@code null} when it is. */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** Why a routes file cannot be read, in words, and what is expected instead. */
    static String cannotRead(Path file, IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getMessage();
        return "cannot read " + file + ": " + why + " (expected: a readable routes file; docs/router.md has the format)";
    }
}
