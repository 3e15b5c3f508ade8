package dev.cutover.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cutover.model.json.Json;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** Config revisions: every change is a new revision; revision 0 is the empty config. */
public final class Configs {

    private static final TypeReference<TreeMap<String, String>> VARS = new TypeReference<>() {};

    private Configs() {}

    public static Map<String, String> vars(Handle h, long envId, int revision) {
        if (revision == 0) {
            return Map.of();
        }
        String json = h.createQuery("SELECT vars FROM config_revisions WHERE env_id = :e AND revision = :r")
                .bind("e", envId).bind("r", revision).mapTo(String.class).one();
        try {
            return Json.mapper().readValue(json, VARS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("config revision " + revision + " of environment " + envId
                    + " is not valid JSON in the store", e);
        }
    }

    /**
     * Saves {@code vars} as the next revision and makes it the environment's current one; returns its number. The
     * next after the highest there is: after a rollback the current one can be an older revision.
     */
    public static int append(Handle h, EnvRow env, Map<String, String> vars, Instant now) {
        int next = h.createQuery("SELECT COALESCE(MAX(revision), 0) FROM config_revisions WHERE env_id = :e")
                .bind("e", env.id()).mapTo(Integer.class).one() + 1;
        try {
            h.createUpdate("INSERT INTO config_revisions (env_id, revision, vars, created_at) VALUES (:e, :r, :v, :at)")
                    .bind("e", env.id()).bind("r", next).bind("v", Json.mapper().writeValueAsString(new TreeMap<>(vars)))
                    .bind("at", Rows.text(now)).execute();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as JSON", e);
        }
        Environments.setConfigRevision(h, env.id(), next);
        return next;
    }
}
