package dev.cutover.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Releases; immutable once written. */
public final class Releases {

    private static final RowMapper<ReleaseRow> MAPPER = (rs, ctx) -> new ReleaseRow(rs.getLong("env_id"),
            rs.getInt("number"), rs.getString("build"), rs.getString("version"), rs.getInt("config_revision"),
            rs.getString("manifest"), rs.getString("kind"), Rows.instant(rs, "created_at"),
            Rows.instant(rs, "build_deleted_at"));
    private static final String SELECT = "SELECT r.*, b.deleted_at AS build_deleted_at FROM releases r "
            + "LEFT JOIN builds b ON b.sha256 = r.build ";

    private Releases() {}

    /** Writes the environment's next release and returns it. */
    public static ReleaseRow create(Handle h, long envId, String build, String version, int configRevision,
            String manifestJson, String kind, Instant now) {
        int number = h.createQuery("SELECT COALESCE(MAX(number), 0) + 1 FROM releases WHERE env_id = :e")
                .bind("e", envId).mapTo(Integer.class).one();
        h.createUpdate("INSERT INTO releases (env_id, number, build, version, config_revision, manifest, kind, "
                        + "created_at) VALUES (:e, :n, :b, :v, :c, :m, :k, :at)")
                .bind("e", envId).bind("n", number).bind("b", build).bind("v", version).bind("c", configRevision)
                .bind("m", manifestJson).bind("k", kind).bind("at", Rows.text(now)).execute();
        return get(h, envId, number).orElseThrow();
    }

    public static Optional<ReleaseRow> get(Handle h, long envId, int number) {
        return h.createQuery(SELECT + "WHERE r.env_id = :e AND r.number = :n")
                .bind("e", envId).bind("n", number).map(MAPPER).findOne();
    }

    /** Newest first. */
    public static List<ReleaseRow> list(Handle h, long envId) {
        return h.createQuery(SELECT + "WHERE r.env_id = :e ORDER BY r.number DESC")
                .bind("e", envId).map(MAPPER).list();
    }
}
