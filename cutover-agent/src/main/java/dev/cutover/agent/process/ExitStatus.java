package dev.cutover.agent.process;

/**
 * How a process ended.
 *
 * <p>The JDK reports a child killed by signal N as exit value 128 + N, as does a shell whose child was killed, so
 * values from 129 to 192 are read as signals. An adopted process is not our child: its status cannot be known.
 */
public sealed interface ExitStatus {

    record Exited(int code) implements ExitStatus {}

    record Killed(int signal) implements ExitStatus {}

    record Unknown() implements ExitStatus {}

    static ExitStatus fromExitValue(int value) {
        return value > 128 && value <= 128 + 64 ? new Killed(value - 128) : new Exited(value);
    }

    /** For reasons: {@code exited: code 1}, {@code killed by signal 9}. */
    default String describe() {
        return switch (this) {
            case Exited e -> "exited: code " + e.code();
            case Killed k -> "killed by signal " + k.signal();
            case Unknown u -> "exited: status unknown (adopted process)";
        };
    }
}
