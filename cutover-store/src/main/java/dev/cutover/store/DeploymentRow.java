package dev.cutover.store;

import java.time.Instant;
import java.util.Map;

/**
 * A deployment; {@code state} is the engine's persisted state as JSON ({@link #NO_STATE} until the controller first
 * saves one), {@code phase} its phase for queries; {@code promotions} counts {@code cutover promote}, {@code paused}
 * is set by {@code cutover pause}; {@code formation} is the instance counts a scale deployment moves to (empty for
 * the others: they run the environment's); {@code policy} is the deploy policy as JSON when the deploy was given its
 * own ({@code --strategy}, {@code --set}), null when it runs the release's manifest's. {@code abortRequested}: someone
 * asked it to stop and roll back, by {@code cutover rollback} when {@code rollbackRequested}, else by
 * {@code cutover abort}.
 */
public record DeploymentRow(
        long id, long envId, int release, Integer previousRelease, String kind, String strategy, String phase,
        String state, boolean abortRequested, boolean rollbackRequested, Instant createdAt, Instant finishedAt, int promotions, boolean paused,
        Map<String, Integer> formation, String policy) {

    public DeploymentRow {
        formation = formation == null ? Map.of() : Map.copyOf(formation);
    }

    /** The state of a deployment created and not yet picked up by the controller. */
    public static final String NO_STATE = "{}";

    /** Whether the controller has saved a state for it yet. */
    public boolean hasState() {
        return !state.equals(NO_STATE);
    }
}
