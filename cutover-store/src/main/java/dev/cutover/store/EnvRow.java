package dev.cutover.store;

import java.util.Map;

/**
 * An environment: {@code servingRelease} is null until a deployment succeeds; {@code weights} is the traffic split by
 * release (empty: by instance count); {@code previewRelease} is served at the preview host, 0 for none;
 * {@code formation} the instance counts set by {@code cutover scale}, by process type, which every release it runs
 * uses instead of its manifest's (empty: the manifest's).
 */
public record EnvRow(long id, String app, String name, Integer servingRelease, int configRevision,
        Map<Integer, Integer> weights, int previewRelease, Map<String, Integer> formation) {
    public EnvRow {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        formation = formation == null ? Map.of() : Map.copyOf(formation);
    }
}
