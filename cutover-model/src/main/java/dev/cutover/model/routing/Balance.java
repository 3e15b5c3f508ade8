package dev.cutover.model.routing;

import java.util.Locale;

/** How a router picks a target within a target group. */
public enum Balance {
    /** The target with the fewest requests in flight, ties at random: slow targets get less. The default. */
    LEAST_OUTSTANDING,
    /** Each target in turn, whatever its load. */
    ROUND_ROBIN;

    /** The word in routes files and manifests: {@code least-outstanding}, {@code round-robin}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The balance named by {@link #word()}, or null. */
    public static Balance ofWord(String word) {
        for (Balance b : values()) {
            if (b.word().equals(word)) {
                return b;
            }
        }
        return null;
    }
}
