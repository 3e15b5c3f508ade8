package dev.cutover.server.control;

import dev.cutover.engine.rollout.ReleaseShape;
import dev.cutover.model.manifest.Manifest;
import dev.cutover.model.manifest.ProcessSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** A release with its manifest parsed and its config resolved: what agents and the planner need of it. */
public record ReleaseInfo(
        String app, String env, long envId, int number, String version, String build, Manifest manifest,
        Map<String, String> config) {

    public ReleaseShape shape() {
        return shapeOf(number, manifest);
    }

    /** What the planner needs of a release numbered {@code number} with this manifest. */
    public static ReleaseShape shapeOf(int number, Manifest manifest) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        java.util.Set<String> overlapping = new java.util.HashSet<>();
        for (Map.Entry<String, ProcessSpec> e : manifest.processes().entrySet()) {
            counts.put(e.getKey(), e.getValue().instances());
            if (e.getValue().overlap()) {
                overlapping.add(e.getKey());
            }
        }
        return new ReleaseShape(number, counts, overlapping);
    }
}
