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
 */
public record ProcessSpec(String command, int instances, List<String> stopSignals) {

    public static final int DEFAULT_INSTANCES = 1;
    public static final int MAX_INSTANCES = 1000;
    public static final List<String> DEFAULT_STOP_SIGNALS = List.of("INT", "KILL");
    public static final Set<String> SIGNALS = Set.of("INT", "TERM", "KILL", "QUIT", "HUP", "USR1", "USR2");

    public ProcessSpec {
        Objects.requireNonNull(command, "command");
        stopSignals = List.copyOf(stopSignals);
    }
}
