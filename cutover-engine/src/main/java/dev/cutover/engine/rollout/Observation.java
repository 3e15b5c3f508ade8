package dev.cutover.engine.rollout;

import dev.cutover.model.agent.InstancePhase;
import java.util.List;

/**
 * What an agent last reported of an instance.
 *
 * @param restarts how many times its process was started again since the first start (after an exit, or for health)
 */
public record Observation(InstancePhase phase, String reason, List<String> probes, int restarts) {
    public Observation {
        probes = probes == null ? List.of() : List.copyOf(probes);
    }

    public Observation(InstancePhase phase, String reason, List<String> probes) {
        this(phase, reason, probes, 0);
    }

    /** Whether its latest probe failed: the agent's probe lines read {@code 21:37:38.788 fail: ...}, oldest first. */
    public boolean lastProbeFailed() {
        return !probes.isEmpty() && probes.getLast().contains(" fail: ");
    }
}
