package dev.cutover.store;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Uploaded builds: a row for each bundle in the {@link BlobStore}, which releases refer to. */
public final class Builds {

    private Builds() {}

    /**
     * Records an upload of {@code sha}; uploading the same build again changes nothing, unless it was deleted as an
     * old release's ({@link #markDeleted}): then it is there again.
     */
    public static void record(Handle h, String sha, long size, Instant at) {
        h.createUpdate("INSERT INTO builds (sha256, size, created_at) VALUES (:s, :n, :at) "
                        + "ON CONFLICT (sha256) DO UPDATE SET deleted_at = NULL")
                .bind("s", sha).bind("n", size).bind("at", Rows.text(at)).execute();
    }

    /** Whether {@code sha} was uploaded and is on disk: not deleted since as an old release's. */
    public static boolean exists(Handle h, String sha) {
        return h.createQuery("SELECT COUNT(*) FROM builds WHERE sha256 = :s AND deleted_at IS NULL").bind("s", sha)
                .mapTo(Integer.class).one() > 0;
    }

    /**
     * Records that the build of releases no longer kept is deleted from disk; its row stays, since they refer to it,
     * and says when. A release whose build is deleted cannot be deployed again ({@link #exists} is false).
     */
    public static void markDeleted(Handle h, String sha, Instant at) {
        h.createUpdate("UPDATE builds SET deleted_at = :at WHERE sha256 = :s AND deleted_at IS NULL")
                .bind("s", sha).bind("at", Rows.text(at)).execute();
    }

    /**
     * Deletes the row of {@code sha} unless a release refers to it. In the same transaction as a release's insert,
     * which checks {@link #exists} first, so that a release never refers to a build that is being deleted.
     *
     * @return whether the build may go: its row is deleted now, or it had none
     */
    public static boolean deleteUnreferenced(Handle h, String sha) {
        boolean referenced = h.createQuery("SELECT COUNT(*) FROM releases WHERE build = :s").bind("s", sha)
                .mapTo(Integer.class).one() > 0;
        if (referenced) {
            return false;
        }
        h.createUpdate("DELETE FROM builds WHERE sha256 = :s").bind("s", sha).execute();
        return true;
    }

    /** Deletes the rows of builds deleted from disk that no release refers to any more (their environment went). */
    public static int forgetDeletedUnreferenced(Handle h) {
        return h.createUpdate("DELETE FROM builds WHERE deleted_at IS NOT NULL "
                + "AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.build = builds.sha256)").execute();
    }
}
