package dev.cutover.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Deployments and their events. */
public final class Deployments {

    /** {@code abort_requested}: by {@code cutover abort}. */
    private static final int ABORT = 1;
    /** {@code abort_requested}: by {@code cutover rollback}, turning a traffic-shifting deployment around. */
    private static final int ROLLBACK = 2;

    private static final RowMapper<DeploymentRow> MAPPER = (rs, ctx) -> new DeploymentRow(rs.getLong("id"),
            rs.getLong("env_id"), rs.getInt("release"), Rows.optionalInt(rs, "previous_release"),
            rs.getString("kind"), rs.getString("strategy"), rs.getString("phase"), rs.getString("state"),
            rs.getInt("abort_requested") != 0, rs.getInt("abort_requested") == ROLLBACK, Rows.instant(rs, "created_at"), Rows.instant(rs, "finished_at"),
            rs.getInt("promotions"), rs.getInt("paused") != 0, Rows.counts(rs, "formation"), rs.getString("policy"));
    private static final RowMapper<EventRow> EVENTS = (rs, ctx) -> new EventRow(rs.getLong("deployment_id"),
            rs.getInt("seq"), Rows.instant(rs, "at"), rs.getString("message"));

    private Deployments() {}

    /**
     * Creates a deployment. The unique index on unfinished deployments makes the database the judge of a race:
     * the loser gets {@link DeploymentInProgressException} naming the winner.
     */
    public static long create(Handle h, long envId, int release, Integer previous, String kind, String strategy,
            String phase, Instant now) {
        return create(h, envId, release, previous, kind, strategy, phase, Map.of(), null, now);
    }

    /**
     * Creates a deployment that moves to the instance counts {@code formation} (a scale; empty: the environment's),
     * by {@code policy}, a deploy policy as JSON (null: the release's manifest's).
     */
    public static long create(Handle h, long envId, int release, Integer previous, String kind, String strategy,
            String phase, Map<String, Integer> formation, String policy, Instant now) {
        Optional<DeploymentRow> running = inProgress(h, envId);
        if (running.isPresent()) {
            throw new DeploymentInProgressException(running.get().id());
        }
        try {
            return h.createUpdate("INSERT INTO deployments (env_id, release, previous_release, kind, strategy, phase, "
                            + "state, formation, policy, created_at) VALUES (:e, :r, :p, :k, :s, :ph, :state, :f, "
                            + ":policy, :at)")
                    .bind("e", envId).bind("r", release).bind("p", previous).bind("k", kind).bind("s", strategy)
                    .bind("ph", phase).bind("state", DeploymentRow.NO_STATE).bind("f", Rows.json(formation))
                    .bind("policy", policy)
                    .bind("at", Rows.text(now)).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        } catch (UnableToExecuteStatementException e) {
            long winner = inProgress(h, envId).map(DeploymentRow::id).orElseThrow(() -> e);
            throw new DeploymentInProgressException(winner);
        }
    }

    public static Optional<DeploymentRow> get(Handle h, long id) {
        return h.createQuery("SELECT * FROM deployments WHERE id = :id").bind("id", id).map(MAPPER).findOne();
    }

    public static Optional<DeploymentRow> inProgress(Handle h, long envId) {
        return h.createQuery("SELECT * FROM deployments WHERE env_id = :e AND finished_at IS NULL")
                .bind("e", envId).map(MAPPER).findOne();
    }

    public static Optional<DeploymentRow> latest(Handle h, long envId) {
        return h.createQuery("SELECT * FROM deployments WHERE env_id = :e ORDER BY id DESC LIMIT 1")
                .bind("e", envId).map(MAPPER).findOne();
    }

    /** The deployment that made each of the environment's releases (its first), by release number. */
    public static Map<Integer, DeploymentRow> firstByRelease(Handle h, long envId) {
        Map<Integer, DeploymentRow> first = new java.util.HashMap<>();
        h.createQuery("SELECT * FROM deployments WHERE id IN (SELECT MIN(id) FROM deployments WHERE env_id = :e "
                + "GROUP BY release)").bind("e", envId).map(MAPPER).forEach(d -> first.put(d.release(), d));
        return first;
    }

    /** The deployment that made one release of the environment (its first), if any. */
    public static Optional<DeploymentRow> firstOf(Handle h, long envId, int release) {
        return h.createQuery("SELECT * FROM deployments WHERE env_id = :e AND release = :r ORDER BY id LIMIT 1")
                .bind("e", envId).bind("r", release).map(MAPPER).findOne();
    }

    /** The finished deployments of a kind that are the latest of their environment: what each environment did last. */
    public static List<DeploymentRow> latestFinished(Handle h, String kind) {
        return h.createQuery("SELECT * FROM deployments d WHERE kind = :k AND finished_at IS NOT NULL AND id = "
                + "(SELECT MAX(id) FROM deployments WHERE env_id = d.env_id) ORDER BY id").bind("k", kind)
                .map(MAPPER).list();
    }

    public static List<DeploymentRow> unfinished(Handle h) {
        return h.createQuery("SELECT * FROM deployments WHERE finished_at IS NULL ORDER BY id").map(MAPPER).list();
    }

    public static void save(Handle h, long id, String phase, String stateJson, Instant finishedAt) {
        h.createUpdate("UPDATE deployments SET phase = :ph, state = :s, finished_at = :f WHERE id = :id")
                .bind("ph", phase).bind("s", stateJson).bind("f", Rows.text(finishedAt)).bind("id", id).execute();
    }

    /** Returns false when the deployment had already finished. */
    public static boolean requestAbort(Handle h, long id) {
        return request(h, id, ABORT);
    }

    /** As {@link #requestAbort}, asked by {@code cutover rollback}. */
    public static boolean requestRollback(Handle h, long id) {
        return request(h, id, ROLLBACK);
    }

    /** The first request is the one recorded: a second one changes nothing the controller may have acted on. */
    private static boolean request(Handle h, long id, int how) {
        return h.createUpdate("UPDATE deployments SET abort_requested = CASE WHEN abort_requested = 0 THEN :how "
                + "ELSE abort_requested END WHERE id = :id AND finished_at IS NULL")
                .bind("how", how).bind("id", id).execute() == 1;
    }

    /** Counts a promotion; returns false when the deployment had already finished. */
    public static boolean promote(Handle h, long id) {
        return h.createUpdate("UPDATE deployments SET promotions = promotions + 1 WHERE id = :id AND finished_at IS NULL")
                .bind("id", id).execute() == 1;
    }

    /** Pauses or resumes; returns false when the deployment had already finished. */
    public static boolean setPaused(Handle h, long id, boolean paused) {
        return h.createUpdate("UPDATE deployments SET paused = :p WHERE id = :id AND finished_at IS NULL")
                .bind("p", paused ? 1 : 0).bind("id", id).execute() == 1;
    }

    public static void addEvents(Handle h, long id, Instant at, List<String> messages) {
        if (messages.isEmpty()) {
            return;
        }
        int seq = h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM deployment_events WHERE deployment_id = :d")
                .bind("d", id).mapTo(Integer.class).one();
        for (String m : messages) {
            h.createUpdate("INSERT INTO deployment_events (deployment_id, seq, at, message) VALUES (:d, :s, :at, :m)")
                    .bind("d", id).bind("s", ++seq).bind("at", Rows.text(at)).bind("m", m).execute();
        }
    }

    public static List<EventRow> events(Handle h, long id, int afterSeq) {
        return h.createQuery("SELECT * FROM deployment_events WHERE deployment_id = :d AND seq > :after ORDER BY seq")
                .bind("d", id).bind("after", afterSeq).map(EVENTS).list();
    }
}
