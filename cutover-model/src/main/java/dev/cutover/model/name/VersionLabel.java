package dev.cutover.model.name;

import java.util.regex.Pattern;

/** A release's version label ({@code deploy --version}): checked by the CLI before it uploads, and by the server. */
public final class VersionLabel {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+\\-/]{0,99}");

    private VersionLabel() {}

    /** Null when {@code label} is valid, else what is wrong with it, as {@code version: '...' (expected: ...)}. */
    public static String problem(String label) {
        if (VALID.matcher(label).matches()) {
            return null;
        }
        // a label far too long is shown by its start and length, not printed back whole
        String shown = label.length() <= 120 ? "'" + label + "'"
                : "'" + label.substring(0, 40) + "...' (" + label.length() + " characters)";
        return "version: " + shown + " (expected: up to 100 letters, digits and . _ + - /, starting with a letter or "
                + "digit)";
    }
}
