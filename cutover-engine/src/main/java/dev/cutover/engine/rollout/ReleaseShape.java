package dev.cutover.engine.rollout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A release as the planner needs it: its number and how many instances of each process type it runs.
 */
public record ReleaseShape(int number, Map<String, Integer> processes, Set<String> overlapping) {

    public static final String WEB = "web";

    public ReleaseShape {
        processes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(processes));
        overlapping = Set.copyOf(overlapping);
    }

    /** A release whose process types without a port never overlap their old instances. */
    public ReleaseShape(int number, Map<String, Integer> processes) {
        this(number, processes, Set.of());
    }

    /** Whether new instances of {@code type} may start before the old ones have stopped. */
    public boolean overlaps(String type) {
        return overlapping.contains(type);
    }

    /** No release: rolling back to it stops everything. */
    public static ReleaseShape none() {
        return new ReleaseShape(0, Map.of());
    }

    /**
     * This release with the instance counts of {@code counts} for the types it has; types it does not have are
     * ignored (a count set for a type a later release dropped).
     */
    public ReleaseShape withCounts(Map<String, Integer> counts) {
        Map<String, Integer> merged = new LinkedHashMap<>(processes);
        counts.forEach((type, n) -> merged.computeIfPresent(type, (t, old) -> n));
        return new ReleaseShape(number, merged, overlapping);
    }

    public int count(String type) {
        return processes.getOrDefault(type, 0);
    }

    /** Process types in roll-out order: {@code web} first (it carries traffic), the others by name. */
    public List<String> typesInOrder() {
        return processes.keySet().stream()
                .sorted((a, b) -> a.equals(WEB) ? -1 : b.equals(WEB) ? 1 : a.compareTo(b))
                .toList();
    }
}
