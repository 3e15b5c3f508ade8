package dev.cutover.model.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A process type of the manifest.
 *
 * @param command run with {@code /bin/sh -c} in the release directory
 * @param instances how many to run
 * @param stopSignals sent in order on stop, each followed by a wait of the deploy policy's stop timeout
 * @param overlap for process types without a port: whether a deploy may start the new instances before the old ones
 *                have stopped ({@code allowed}), or must stop the old first ({@code never}, the default, so that a
 *                singleton never runs twice)
 */
public record ProcessSpec(String command, int instances, List<String> stopSignals, boolean overlap) {

    public static final int DEFAULT_INSTANCES = 1;
    public static final int MAX_INSTANCES = 1000;
    public static final List<String> DEFAULT_STOP_SIGNALS = List.of("INT", "KILL");
    public static final Set<String> SIGNALS = Set.of("INT", "TERM", "KILL", "QUIT", "HUP", "USR1", "USR2");

    public ProcessSpec {
        Objects.requireNonNull(command, "command");
        stopSignals = List.copyOf(stopSignals);
    }

    /** A process type that never overlaps its old instances. */
    public ProcessSpec(String command, int instances, List<String> stopSignals) {
        this(command, instances, stopSignals, false);
    }
}
