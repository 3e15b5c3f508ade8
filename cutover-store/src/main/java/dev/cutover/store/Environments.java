package dev.cutover.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Apps and their environments. */
public final class Environments {

    private static final RowMapper<EnvRow> MAPPER = (rs, ctx) -> new EnvRow(rs.getLong("id"), rs.getString("app"),
            rs.getString("name"), Rows.optionalInt(rs, "serving_release"), rs.getInt("config_revision"));

    private Environments() {}

    public static Optional<EnvRow> find(Handle h, String app, String env) {
        return h.createQuery("SELECT * FROM environments WHERE app = :app AND name = :name")
                .bind("app", app).bind("name", env).map(MAPPER).findOne();
    }

    public static EnvRow get(Handle h, long id) {
        return h.createQuery("SELECT * FROM environments WHERE id = :id").bind("id", id).map(MAPPER).one();
    }

    /** Creates the app and the environment when they do not exist yet; returns the environment. */
    public static EnvRow findOrCreate(Handle h, String app, String env, Instant now) {
        h.createUpdate("INSERT INTO apps (name, created_at) VALUES (:name, :at) ON CONFLICT DO NOTHING")
                .bind("name", app).bind("at", Rows.text(now)).execute();
        h.createUpdate("INSERT INTO environments (app, name, created_at) VALUES (:app, :name, :at) "
                        + "ON CONFLICT DO NOTHING")
                .bind("app", app).bind("name", env).bind("at", Rows.text(now)).execute();
        return find(h, app, env).orElseThrow();
    }

    public static List<EnvRow> all(Handle h) {
        return h.createQuery("SELECT * FROM environments ORDER BY app, name").map(MAPPER).list();
    }

    public static void setServing(Handle h, long envId, int release) {
        h.createUpdate("UPDATE environments SET serving_release = :r WHERE id = :id")
                .bind("r", release).bind("id", envId).execute();
    }

    public static void setConfigRevision(Handle h, long envId, int revision) {
        h.createUpdate("UPDATE environments SET config_revision = :r WHERE id = :id")
                .bind("r", revision).bind("id", envId).execute();
    }
}
