package dev.cutover.model.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a deployment would do, step by step, at the earliest.
 *
 * @param fromRelease the release serving now, 0 for none
 * @param oldInstances its {@code web} instances now
 * @param newInstances the new release's {@code web} instances
 * @param minimumMillis how long it takes at the least: health checks passing at once, no traffic to drain
 */
@JsonIgnoreProperties(value = {"lowestCapacityPercent", "downtime"}, allowGetters = true)
public record PlanView(String app, String env, String strategy, int fromRelease, int oldInstances, int newInstances,
        List<Line> steps, long minimumMillis) {

    public PlanView {
        steps = List.copyOf(steps);
    }

    /** The lowest capacity a step leaves, relative to now; 100 with no step. */
    @JsonProperty("lowestCapacityPercent")
    public int lowestCapacityPercent() {
        return steps.stream().mapToInt(Line::capacityPercent).min().orElse(100);
    }

    /**
     * Why the environment would answer 503 during or after the deploy, as {@code cutover plan} says it; null when it
     * serves throughout (or serves nothing before and after).
     */
    @JsonProperty("downtime")
    public String downtime() {
        if (newInstances == 0 && oldInstances != 0) {
            return "no web instance after this deploy";
        }
        if (fromRelease != 0 && newInstances != 0 && lowestCapacityPercent() == 0) {
            return "capacity drops to 0% while the new instances start";
        }
        return null;
    }

    /**
     * @param newTrafficPercent the new release's share of the traffic, of the instances that take it
     * @param capacityPercent instances taking traffic, relative to now
     */
    @JsonIgnoreProperties(value = "traffic", allowGetters = true)
    public record Line(long atMillis, String what, int oldInstances, int newInstances, int newTrafficPercent,
            int capacityPercent) {

        /** The split as old/new ({@code 70/30}), or {@code none} when no instance takes traffic (the 503s). */
        @JsonProperty("traffic")
        public String traffic() {
            return capacityPercent == 0 ? "none" : (100 - newTrafficPercent) + "/" + newTrafficPercent;
        }
    }
}
