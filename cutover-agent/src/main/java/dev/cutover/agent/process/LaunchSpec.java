package dev.cutover.agent.process;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: {@code command} with {@code /bin/sh -c} in {@code workingDirectory}, with exactly {@code environment}
 * (nothing inherited), its stdout and stderr appended to {@code logFile}.
 */
public record LaunchSpec(String command, Path workingDirectory, Map<String, String> environment, Path logFile) {
    public LaunchSpec {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(logFile, "logFile");
    }
}
