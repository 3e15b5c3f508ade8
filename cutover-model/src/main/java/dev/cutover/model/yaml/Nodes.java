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
