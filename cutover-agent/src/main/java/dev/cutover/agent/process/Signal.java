package dev.cutover.agent.process;

import java.util.Locale;

/** The signals a stop sequence may name, with their Linux numbers (the same on x86-64 and arm64). */
public enum Signal {
    HUP(1),
    INT(2),
    QUIT(3),
    KILL(9),
    USR1(10),
    USR2(12),
    TERM(15);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** Parses {@code INT}, {@code SIGINT} or {@code sigint}. */
    public static Signal parse(String name) {
        if (name != null) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            if (n.startsWith("SIG")) {
                n = n.substring(3);
            }
            for (Signal s : values()) {
                if (s.name().equals(n)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException(
                "stopSignals: " + name + " (expected: one of HUP, INT, QUIT, KILL, USR1, USR2, TERM)");
    }
}
