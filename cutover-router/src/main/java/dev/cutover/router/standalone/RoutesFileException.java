package dev.cutover.router.standalone;

/** A routes file that cannot be accepted. The message names the field, the value given and what was expected. */
public final class RoutesFileException extends IllegalArgumentException {

    private final String field;

    RoutesFileException(String field, Object value, String expected) {
        super(field + ": " + render(value) + " (expected: " + expected + ")");
        this.field = field;
    }

    RoutesFileException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The path of the offending field, e.g. {@code routes[0].groups[1].weight}. */
    public String field() {
        return field;
    }

    private static String render(Object value) {
        if (value == null) {
            return "missing";
        }
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }
}
