package dev.cutover.model.api;

import java.util.Map;

/** {@code cutover scale}: the instance count wanted for each process type named; the others keep theirs. */
public record ScaleRequest(Map<String, Integer> processes) {
    public ScaleRequest {
        if (processes != null) {
            processes.forEach((type, count) -> {
                if (count == null) {
                    throw new IllegalArgumentException("processes." + type + ": null (expected: an instance count "
                            + "from 0)");
                }
            });
        }
        processes = processes == null ? Map.of() : Map.copyOf(processes);
    }
}
