package dev.cutover.model.api;

import java.util.Map;

/** {@code cutover scale}: the instance count wanted for each process type named; the others keep theirs. */
public record ScaleRequest(Map<String, Integer> processes) {
    public ScaleRequest {
        processes = processes == null ? Map.of() : Map.copyOf(processes);
    }
}
