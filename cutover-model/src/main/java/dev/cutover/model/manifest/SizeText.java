package dev.cutover.model.manifest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them: {@code 1048576}, {@code 512k}, {@code 10m}, {@code 1g} (powers of 1024). */
public final class SizeText {

    /** What a size field expects, for error messages. */
    public static final String EXPECTED = "a size in bytes, or with k, m or g (KiB, MiB, GiB), e.g. 10m";

    private static final Pattern FORM = Pattern.compile("(\\d{1,15})([kmg]?)");

    private SizeText() {}

    /** The size in bytes; -1 when the text is not of the form, so the caller can name its field. */
    public static long parseOrMinusOne(String text) {
        if (text == null) {
            return -1;
        }
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        long value = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        return value > (Long.MAX_VALUE >> shift) ? -1 : value << shift;
    }
}
