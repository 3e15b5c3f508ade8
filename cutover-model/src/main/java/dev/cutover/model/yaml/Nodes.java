package dev.cutover.model.yaml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

/**
 * How strict readers of YAML (the manifest, the router's routes file) name what they were given in an error: a
 * string as itself (quoted by the error), a number or boolean as its value, a map or a list by its shape.
 */
public final class Nodes {

    private Nodes() {}

    /**
     * The path of the key a strict parser found given twice ({@code processes.web.instances},
     * {@code routes[0].hosts}), or null when {@code e} is another error. YAML keeps the last of two equal keys, so the
     * first would be lost without a word: the readers refuse it, naming the field as any other error does.
     */
    public static String duplicateKey(JsonProcessingException e) {
        if (e.getOriginalMessage() == null || !e.getOriginalMessage().startsWith("Duplicate field")
                || !(e.getProcessor() instanceof JsonParser parser)) {
            return null;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.addFirst("." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** What was wrong with a file that is not YAML a reader can take: the field to name, and the message after it. */
    public record SyntaxProblem(String field, String message) {}

    /**
     * {@code e}, a file's YAML failing to parse, as a field and message: a key given twice by its path (see
     * {@link #duplicateKey}); anything else as {@code fileField} with the line of the problem itself (Jackson's
     * location is where the token began, a line early for a tab or a bad indentation), and, for a list or map where
     * a key should be (what YAML makes of {@code [::1]:8080} unquoted), what to write instead.
     */
    public static SyntaxProblem syntaxProblem(JsonProcessingException e, String fileField) {
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblemMark() != null) {
                line = marked.getProblemMark().getLine() + 1;
                break;
            }
        }
        String where = line < 0 ? "" : " at line " + line;
        String twice = duplicateKey(e);
        if (twice != null) {
            return new SyntaxProblem(twice, "given twice, the second time" + where + " (expected: each key once; YAML "
                    + "would keep only the last)");
        }
        String original = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        if (original.startsWith("Expected a field name") && (original.contains("SequenceStartEvent")
                || original.contains("MappingStartEvent"))) {
            return new SyntaxProblem(fileField, "not valid YAML" + where + ": a list or map where a key should be "
                    + "(expected: text; YAML reads an unquoted value that starts with [ or {, such as the IPv6 "
                    + "address [::1]:8080, as a list or a map: quote it, \"[::1]:8080\")");
        }
        return new SyntaxProblem(fileField, "not valid YAML" + where + ": " + original);
    }

    /** The value to show for {@code node} in a {@code field: value (expected: ...)} message; null when missing. */
    public static Object describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject()) {
            return new Shape(node.isEmpty() ? "an empty map" : "a map");
        }
        if (node.isArray()) {
            return new Shape(node.isEmpty() ? "an empty list" : "a list");
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.toString();
    }

    /** Keys in alphabetical order, for "expected one of" lists. */
    public static String sorted(Set<String> keys) {
        return String.join(", ", new TreeSet<>(keys));
    }

    /** What was given when it is not a scalar: printed as is, not quoted like a string value. */
    private record Shape(String text) {
        @Override
        public String toString() {
            return text;
        }
    }
}
