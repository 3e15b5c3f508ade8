package dev.cutover.server.deploy;

import dev.cutover.store.BlobStore;
import dev.cutover.store.Builds;
import dev.cutover.store.Store;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the uploaded builds no release refers to: those of environments that were removed, and uploads no deploy
 * used (refused, or never sent). A build is kept for {@link #GRACE} after it was last uploaded or asked for
 * ({@code HEAD /api/builds/SHA}, which the CLI sends before each deploy), so that a deploy between its upload and
 * its release never finds it gone; the release's insert and the build's deletion check each other in one
 * transaction ({@link Builds#deleteUnreferenced}), so a release never refers to a deleted build. Every release
 * in an environment's history keeps its build: {@code rollback --to} any of them works as long as the environment
 * exists.
 */
public final class BuildRetention {

    /** How long an unreferenced build stays after it was last uploaded or asked for. */
    public static final Duration GRACE = Duration.ofHours(1);
    /** How often the server looks. */
    public static final Duration EVERY = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(BuildRetention.class);

    private final Store store;
    private final BlobStore blobs;
    private final Duration grace;

    public BuildRetention(Store store, BlobStore blobs, Duration grace) {
        this.store = store;
        this.blobs = blobs;
        this.grace = grace;
    }

    /** One pass: deletes each unreferenced build untouched since {@code now - grace}; returns what it deleted. */
    public List<BlobStore.Entry> sweep(Instant now) throws IOException {
        Instant before = now.minus(grace);
        List<BlobStore.Entry> deleted = new ArrayList<>();
        for (BlobStore.Entry entry : blobs.entries()) {
            if (!entry.touched().isBefore(before)) {
                break; // oldest first
            }
            // an upload's temporary file that old is one a crash or a dropped connection left behind
            boolean unreferenced = entry.sha() == null || store.tx(h -> Builds.deleteUnreferenced(h, entry.sha()));
            if (unreferenced) {
                blobs.delete(entry);
                deleted.add(entry);
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("deleted {} build(s) no release refers to, untouched for {}: {}", deleted.size(), grace,
                    deleted.stream().map(e -> e.sha() == null ? e.file().getFileName().toString()
                            : e.sha().substring(0, 12)).toList());
        }
        return deleted;
    }
}
