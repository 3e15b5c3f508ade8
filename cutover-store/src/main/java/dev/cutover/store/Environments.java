package dev.cutover.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Apps and their environments. */
public final class Environments {

    private static final TypeReference<Map<Integer, Integer>> WEIGHTS = new TypeReference<>() {};
    private static final RowMapper<EnvRow> MAPPER = (rs, ctx) -> new EnvRow(rs.getLong("id"), rs.getString("app"),
            rs.getString("name"), Rows.optionalInt(rs, "serving_release"), rs.getInt("config_revision"),
            Rows.map(rs.getString("weights"), WEIGHTS, "weights"), rs.getInt("preview_release"), Rows.counts(rs, "formation"));

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

    /**
     * Deletes an environment and everything recorded of it: its deployments and their events, its instances, releases
     * and config revisions; and its app, when that was its last environment. Builds stay: other environments may run
     * them.
     */
    public static void delete(Handle h, long envId) {
        String app = get(h, envId).app();
        h.createUpdate("DELETE FROM deployment_events WHERE deployment_id IN (SELECT id FROM deployments WHERE "
                + "env_id = :e)").bind("e", envId).execute();
        for (String table : List.of("deployments", "instances", "releases", "config_revisions")) {
            h.createUpdate("DELETE FROM " + table + " WHERE env_id = :e").bind("e", envId).execute();
        }
        h.createUpdate("DELETE FROM environments WHERE id = :e").bind("e", envId).execute();
        h.createUpdate("DELETE FROM apps WHERE name = :a AND NOT EXISTS (SELECT 1 FROM environments WHERE app = :a)")
                .bind("a", app).execute();
    }

    public static List<EnvRow> all(Handle h) {
        return h.createQuery("SELECT * FROM environments ORDER BY app, name").map(MAPPER).list();
    }

    public static void setServing(Handle h, long envId, int release) {
        h.createUpdate("UPDATE environments SET serving_release = :r WHERE id = :id")
                .bind("r", release).bind("id", envId).execute();
    }

    /** The traffic split by release; empty: by instance count. */
    public static void setWeights(Handle h, long envId, Map<Integer, Integer> weights) {
        h.createUpdate("UPDATE environments SET weights = :w WHERE id = :id").bind("w", Rows.json(weights))
                .bind("id", envId).execute();
    }

    /** The instance counts by process type that override the manifests' (empty: the manifests' own). */
    public static void setFormation(Handle h, long envId, Map<String, Integer> formation) {
        h.createUpdate("UPDATE environments SET formation = :f WHERE id = :id")
                .bind("f", Rows.json(formation)).bind("id", envId).execute();
    }

    /** The release served at the preview host; 0 for none. */
    public static void setPreview(Handle h, long envId, int release) {
        h.createUpdate("UPDATE environments SET preview_release = :r WHERE id = :id")
                .bind("r", release == 0 ? null : release).bind("id", envId).execute();
    }


    public static void setConfigRevision(Handle h, long envId, int revision) {
        h.createUpdate("UPDATE environments SET config_revision = :r WHERE id = :id")
                .bind("r", revision).bind("id", envId).execute();
    }
}
