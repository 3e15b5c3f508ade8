package dev.cutover.model.agent;

import java.util.List;
import java.util.Objects;

/**
 * A one-off command to run like an instance: in a fresh working directory of its release, with its environment
 * (config and {@code CUTOVER_*}, no {@code PORT}).
 *
 * @param like the instance whose release and environment to use
 * @param command the program and its arguments, run without a shell (looked up on the instance's {@code PATH});
 *                for shell syntax, pass {@code sh -c '...'}
 * @param stdin whether the caller will write stdin ({@link AgentClient#writeExec}); otherwise stdin is empty
 */
public record ExecRequest(String like, List<String> command, boolean stdin) {
    public ExecRequest {
        Objects.requireNonNull(like, "like");
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("command: " + command + " (expected: a program and its arguments)");
        }
        command = List.copyOf(command);
    }
}
