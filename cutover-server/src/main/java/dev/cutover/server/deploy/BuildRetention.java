package dev.cutover.server.deploy;

import dev.cutover.store.BlobStore;
import dev.cutover.store.Builds;
import dev.cutover.store.Deployments;
import dev.cutover.store.EnvRow;
import dev.cutover.store.Environments;
import dev.cutover.store.InstanceRow;
import dev.cutover.store.Instances;
import dev.cutover.store.ReleaseRow;
import dev.cutover.store.Releases;
import dev.cutover.store.Store;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the uploaded builds no release refers to: those of environments that were removed, and uploads no deploy
 * used (refused, or never sent). A build is kept for {@link #GRACE} after it was last uploaded or asked for
 * ({@code HEAD /api/builds/SHA}, which the CLI sends before each deploy), so that a deploy between its upload and
 * its release never finds it gone; the release's insert and the build's deletion check each other in one
 * transaction ({@link Builds#deleteUnreferenced}), so a release never refers to a deleted build.
 *
 * <p>By default every release in an environment's history keeps its build: {@code rollback --to} any of them works
 * as long as the environment exists. With {@code keepReleases} ({@code cutover server --keep-releases N}), only the
 * builds of each environment's N newest releases stay, and of every release that may still run without a new
 * deploy: the one serving, the one before it ({@code cutover rollback}'s default), those of a deployment in progress,
 * of the traffic split and of the preview host, and those that instances run. The others' builds are deleted; the
 * releases stay in the history, marked, and cannot be rolled back to ({@link Builds#markDeleted}).
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
    private final int keepReleases;

    /** @param keepReleases how many of each environment's newest releases keep their build; 0 for all */
    public BuildRetention(Store store, BlobStore blobs, Duration grace, int keepReleases) {
        if (keepReleases < 0) {
            throw new IllegalArgumentException("keep-releases: " + keepReleases + " (expected: 1 or more, or 0 for all)");
        }
        this.store = store;
        this.blobs = blobs;
        this.grace = grace;
        this.keepReleases = keepReleases;
    }

    /**
     * One pass: deletes the builds of the releases no longer kept, then each unreferenced build untouched since
     * {@code now - grace}; returns the unreferenced ones it deleted.
     */
    public List<BlobStore.Entry> sweep(Instant now) throws IOException {
        if (keepReleases > 0) {
            deleteOldReleasesBuilds(now);
        }
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
        store.tx(Builds::forgetDeletedUnreferenced);
        return deleted;
    }

    /**
     * Deletes the builds that only releases no longer kept refer to, and returns their digests. The files go in the
     * same transaction that marks them, so that an upload of the same build, which the CLI sends once {@code HEAD}
     * says it is missing, is never deleted after it landed.
     */
    public Set<String> deleteOldReleasesBuilds(Instant now) {
        Set<String> deleted = store.tx(h -> {
            Set<String> kept = new HashSet<>();
            Set<String> old = new TreeSet<>();
            for (EnvRow env : Environments.all(h)) {
                List<ReleaseRow> releases = Releases.list(h, env.id());
                Set<Integer> keep = kept(h, env, releases);
                for (ReleaseRow r : releases) {
                    if (r.buildDeletedAt() == null) {
                        (keep.contains(r.number()) ? kept : old).add(r.build());
                    }
                }
            }
            old.removeAll(kept); // a build is shared by the releases of config changes, and by environments
            for (String sha : old) {
                Builds.markDeleted(h, sha, now);
                try {
                    blobs.delete(sha);
                } catch (IOException e) {
                    // marked all the same: the file is only disk not given back, and an upload replaces it
                    LOG.warn("cannot delete build {} of releases no longer kept: {}", sha.substring(0, 12), e.toString());
                }
            }
            return old;
        });
        if (!deleted.isEmpty()) {
            LOG.info("deleted {} build(s) of releases older than each environment's {} newest (--keep-releases): {}",
                    deleted.size(), keepReleases, deleted.stream().map(sha -> sha.substring(0, 12)).toList());
        }
        return deleted;
    }

    /** The releases of {@code env} that keep their build; {@code releases} are its own, newest first. */
    private Set<Integer> kept(Handle h, EnvRow env, List<ReleaseRow> releases) {
        Set<Integer> keep = new HashSet<>();
        releases.stream().limit(keepReleases).forEach(r -> keep.add(r.number()));
        if (env.servingRelease() != null) {
            keep.add(env.servingRelease());
        }
        Deployer.previousServed(h, env).ifPresent(keep::add);
        keep.addAll(env.weights().keySet());
        if (env.previewRelease() > 0) {
            keep.add(env.previewRelease());
        }
        Deployments.inProgress(h, env.id()).ifPresent(d -> {
            keep.add(d.release());
            if (d.previousRelease() != null) {
                keep.add(d.previousRelease());
            }
        });
        for (InstanceRow i : Instances.notEndedIn(h, env.id())) {
            keep.add(i.release());
        }
        return keep;
    }
}
