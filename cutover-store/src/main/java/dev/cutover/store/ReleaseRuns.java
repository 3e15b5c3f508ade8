package dev.cutover.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Deployments' release commands: started, ended, and what they printed. Every write is idempotent. */
public final class ReleaseRuns {

    private static final RowMapper<ReleaseRunRow> MAPPER = (rs, ctx) -> {
        long duration = rs.getLong("release_duration_ms");
        Long durationMillis = rs.wasNull() ? null : duration;
        return new ReleaseRunRow(rs.getLong("id"), rs.getLong("env_id"), rs.getInt("release"),
                rs.getString("release_run"), rs.getString("release_command"), Rows.instant(rs, "release_started_at"),
                Rows.instant(rs, "release_ended_at"), rs.getString("release_outcome"),
                Rows.optionalInt(rs, "release_exit_code"), durationMillis, rs.getString("release_output"));
    };

    private ReleaseRuns() {}

    /**
     * Records that deployment {@code id} started its release command as {@code run}. Repeated (a controller that
     * acted and crashed before saving acts again), it changes nothing: the first start time stands.
     */
    public static void start(Handle h, long id, String run, String command, Instant now) {
        h.createUpdate("UPDATE deployments SET release_run = :r, release_command = :c, release_started_at = :at "
                        + "WHERE id = :id AND release_run IS NULL")
                .bind("r", run).bind("c", command).bind("at", Rows.text(now)).bind("id", id).execute();
    }

    /** Records how the release command ended; only the first call counts. Its run is then no longer wanted. */
    public static void end(Handle h, long id, Instant now, String outcome, Integer exitCode, Long durationMillis,
            String output) {
        h.createUpdate("UPDATE deployments SET release_ended_at = :at, release_outcome = :o, release_exit_code = :x, "
                        + "release_duration_ms = :d, release_output = :out "
                        + "WHERE id = :id AND release_run IS NOT NULL AND release_ended_at IS NULL")
                .bind("at", Rows.text(now)).bind("o", outcome).bind("x", exitCode).bind("d", durationMillis)
                .bind("out", output).bind("id", id).execute();
    }

    /** Release commands started and not ended: the runs their hosts must run. */
    public static List<ReleaseRunRow> wanted(Handle h) {
        return h.createQuery("SELECT * FROM deployments WHERE release_run IS NOT NULL AND release_ended_at IS NULL "
                + "ORDER BY id").map(MAPPER).list();
    }

    /** Deployment {@code id}'s release command, once it was started. */
    public static Optional<ReleaseRunRow> of(Handle h, long id) {
        return h.createQuery("SELECT * FROM deployments WHERE id = :id AND release_run IS NOT NULL")
                .bind("id", id).map(MAPPER).findOne();
    }

    /** Whether some deployment ran a release command as {@code run}: then its log can be read. */
    public static boolean known(Handle h, String run) {
        return h.createQuery("SELECT COUNT(*) FROM deployments WHERE release_run = :r").bind("r", run)
                .mapTo(Integer.class).one() > 0;
    }
}
