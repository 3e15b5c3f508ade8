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

    /**
     * {@code problems} as one exception: the one itself when there is one; otherwise a message with one line for each,
     * the first one's field as its field.
     */
    public static ManifestException of(java.util.List<ManifestException> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder message = new StringBuilder(problems.size() + " problems in the manifest:");
        for (ManifestException p : problems) {
            message.append("\n  ").append(p.getMessage());
        }
        return new ManifestException(problems.get(0).field, message, problems);
    }

    private ManifestException(String field, CharSequence message, java.util.List<ManifestException> problems) {
        super(message.toString());
        this.field = field;
        problems.forEach(this::addSuppressed);
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
