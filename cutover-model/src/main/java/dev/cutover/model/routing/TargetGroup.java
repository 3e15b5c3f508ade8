package dev.cutover.model.routing;

import java.util.List;
import java.util.Objects;

/**
 * The targets of one environment and one release; the router splits a route's traffic across its groups by weight.
 *
 * @param name the group's name, the release it serves (e.g. {@code v3}); used as the metric tag
 * @param weight a non-negative integer; a route's weights need not sum to 100, they are relative
 */
public record TargetGroup(String name, int weight, List<Target> targets) {
    public TargetGroup {
        Objects.requireNonNull(name, "name");
        if (weight < 0) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0 or more)");
        }
        targets = List.copyOf(targets);
    }
}
