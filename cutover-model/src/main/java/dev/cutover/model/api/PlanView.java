package dev.cutover.model.api;

import java.util.List;

/**
 * What a deployment would do, step by step, at the earliest.
 *
 * @param fromRelease the release serving now, 0 for none
 * @param oldInstances its {@code web} instances now
 * @param newInstances the new release's {@code web} instances
 * @param minimumMillis how long it takes at the least: health checks passing at once, no traffic to drain
 */
public record PlanView(String app, String env, String strategy, int fromRelease, int oldInstances, int newInstances,
        List<Line> steps, long minimumMillis) {

    public PlanView {
        steps = List.copyOf(steps);
    }

    /** @param capacityPercent instances taking traffic, relative to now */
    public record Line(long atMillis, String what, int oldInstances, int newInstances, int newTrafficPercent,
            int capacityPercent) {}
}
