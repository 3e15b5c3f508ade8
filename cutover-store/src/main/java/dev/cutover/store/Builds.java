package dev.cutover.store;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Uploaded builds: a row for each bundle in the {@link BlobStore}, which releases refer to. */
public final class Builds {

    private Builds() {}

    /** Records an upload of {@code sha}; uploading the same build again changes nothing. */
    public static void record(Handle h, String sha, long size, Instant at) {
        h.createUpdate("INSERT INTO builds (sha256, size, created_at) VALUES (:s, :n, :at) ON CONFLICT DO NOTHING")
                .bind("s", sha).bind("n", size).bind("at", Rows.text(at)).execute();
    }

    public static boolean exists(Handle h, String sha) {
        return h.createQuery("SELECT COUNT(*) FROM builds WHERE sha256 = :s").bind("s", sha)
                .mapTo(Integer.class).one() > 0;
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
}
