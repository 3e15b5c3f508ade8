package dev.cutover.model.manifest;

/**
 * A manifest that cannot be accepted. The message names the field, the value given and what was expected.
 */
public final class ManifestException extends IllegalArgumentException {

    private final String field;

    public ManifestException(String field, Object value, String expected) {
        super(field + ": " + render(value) + " (expected: " + expected + ")");
        this.field = field;
    }

    public ManifestException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

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
