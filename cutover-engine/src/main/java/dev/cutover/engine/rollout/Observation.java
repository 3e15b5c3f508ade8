package dev.cutover.engine.rollout;

import dev.cutover.model.agent.InstancePhase;
import java.util.List;

/** What an agent last reported of an instance. */
public record Observation(InstancePhase phase, String reason, List<String> probes) {
    public Observation {
        probes = probes == null ? List.of() : List.copyOf(probes);
    }
}
