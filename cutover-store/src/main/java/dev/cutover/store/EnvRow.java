package dev.cutover.store;

import java.util.Map;

/**
 * An environment: {@code servingRelease} is null until a deployment succeeds; {@code weights} is the traffic split by
 * release (empty: by instance count); {@code previewRelease} is served at the preview host, 0 for none.
 */
public record EnvRow(long id, String app, String name, Integer servingRelease, int configRevision,
        Map<Integer, Integer> weights, int previewRelease) {
    public EnvRow {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
    }
}
