package dev.cutover.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Instances: the desired state the agents and the router are derived from. Every write is idempotent. */
public final class Instances {

    private static final RowMapper<InstanceRow> MAPPER = (rs, ctx) -> new InstanceRow(rs.getString("id"),
            rs.getLong("env_id"), rs.getInt("release"), rs.getString("type"), rs.getString("host"),
            rs.getInt("running") != 0, rs.getString("routing"), Rows.instant(rs, "created_at"),
            Rows.instant(rs, "stopped_at"), rs.getString("ended"));

    private Instances() {}

    /** Records a new instance wanted running; does nothing when the id exists (a repeated action). */
    public static void launch(Handle h, String id, long envId, int release, String type, String host, Instant now) {
        h.createUpdate("INSERT INTO instances (id, env_id, release, type, host, running, routing, created_at) "
                        + "VALUES (:id, :e, :r, :t, :h, 1, 'NONE', :at) ON CONFLICT (id) DO NOTHING")
                .bind("id", id).bind("e", envId).bind("r", release).bind("t", type).bind("h", host)
                .bind("at", Rows.text(now)).execute();
    }

    public static void setRouting(Handle h, String id, String routing) {
        h.createUpdate("UPDATE instances SET routing = :r WHERE id = :id AND running = 1")
                .bind("r", routing).bind("id", id).execute();
    }

    public static void stop(Handle h, String id, Instant now) {
        h.createUpdate("UPDATE instances SET running = 0, routing = 'NONE', stopped_at = :at "
                        + "WHERE id = :id AND running = 1")
                .bind("at", Rows.text(now)).bind("id", id).execute();
    }

    /** Records how a stopped instance ended; only the first report counts. */
    public static void ended(Handle h, String id, String how) {
        h.createUpdate("UPDATE instances SET ended = :how WHERE id = :id AND running = 0 AND ended IS NULL")
                .bind("how", how).bind("id", id).execute();
    }

    /** The instances stopped since {@code since} whose end no agent has reported yet. */
    public static List<InstanceRow> endingSince(Handle h, Instant since) {
        return h.createQuery("SELECT * FROM instances WHERE running = 0 AND ended IS NULL AND stopped_at >= :since "
                        + "ORDER BY stopped_at, id")
                .bind("since", Rows.text(since)).map(MAPPER).list();
    }

    /** Every instance wanted running, all environments, oldest first. */
    public static List<InstanceRow> running(Handle h) {
        return h.createQuery("SELECT * FROM instances WHERE running = 1 ORDER BY created_at, id").map(MAPPER).list();
    }

    public static List<InstanceRow> runningIn(Handle h, long envId) {
        return h.createQuery("SELECT * FROM instances WHERE running = 1 AND env_id = :e ORDER BY created_at, id")
                .bind("e", envId).map(MAPPER).list();
    }

    /** The instances of an environment wanted running, and those stopped whose end is not recorded yet. */
    public static List<InstanceRow> notEndedIn(Handle h, long envId) {
        return h.createQuery("SELECT * FROM instances WHERE env_id = :e AND (running = 1 OR ended IS NULL) "
                        + "ORDER BY created_at, id")
                .bind("e", envId).map(MAPPER).list();
    }

    /** The instances of an environment no longer wanted, stopped since {@code since}, whose end is not recorded yet. */
    public static List<InstanceRow> endingIn(Handle h, long envId, Instant since) {
        return h.createQuery("SELECT * FROM instances WHERE env_id = :e AND running = 0 AND ended IS NULL AND "
                        + "stopped_at >= :since ORDER BY created_at, id")
                .bind("e", envId).bind("since", Rows.text(since)).map(MAPPER).list();
    }

    /** The instances of an environment wanted running, plus those stopped since {@code since}. */
    public static List<InstanceRow> recentIn(Handle h, long envId, Instant since) {
        return h.createQuery("SELECT * FROM instances WHERE env_id = :e AND (running = 1 OR stopped_at >= :since) "
                        + "ORDER BY created_at, id")
                .bind("e", envId).bind("since", Rows.text(since)).map(MAPPER).list();
    }

    /** The instances with these ids, oldest first; ids with no instance are left out. */
    public static List<InstanceRow> byIds(Handle h, Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT * FROM instances WHERE id IN (<ids>) ORDER BY created_at, id")
                .bindList("ids", List.copyOf(ids)).map(MAPPER).list();
    }
}
