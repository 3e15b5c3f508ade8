package dev.cutover.model.manifest;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in manifests and flags: {@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}. */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private DurationText() {}

    /** Parses a duration; returns null when the text is not of the form, so the caller can name its field. */
    public static Duration parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalStateException("unreachable: " + m.group(2));
        };
    }

    public static Duration parse(String field, String text) {
        Duration d = parseOrNull(text);
        if (d == null) {
            throw new ManifestException(field, text, "a duration such as 500ms, 5s, 10m or 1h" + hint(text));
        }
        return d;
    }

    private static final Pattern LONG = Pattern.compile("\\d{10,}(ms|s|m|h)");
    private static final Pattern OTHER_UNIT = Pattern.compile("(\\d{1,9})\\s*(d|day|days|w|sec|secs|min|mins|hr|hrs|hours?)");

    /**
     * What is wrong with text that is almost a duration, as an addition to the expected form ({@code "; at most 9
     * digits"}), or nothing.
     */
    public static String hint(String text) {
        if (text == null) {
            return "";
        }
        String t = text.trim();
        if (LONG.matcher(t).matches()) {
            return "; at most 9 digits before the unit";
        }
        Matcher other = OTHER_UNIT.matcher(t);
        if (other.matches()) {
            String unit = other.group(2);
            long n = Long.parseLong(other.group(1));
            String instead = unit.startsWith("d") ? n * 24 + "h" : unit.startsWith("w") ? n * 24 * 7 + "h"
                    : unit.startsWith("s") ? n + "s" : unit.startsWith("m") ? n + "m" : n + "h";
            return "; the units are ms, s, m and h: " + instead + " for " + t;
        }
        return "";
    }

    /** The shortest exact form: {@code 90s}, {@code 10m}, {@code 250ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
