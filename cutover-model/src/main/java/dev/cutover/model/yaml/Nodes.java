package dev.cutover.model.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;

/**
 * How strict readers of YAML (the manifest, the router's routes file) name what they were given in an error: a
 * string as itself (quoted by the error), a number or boolean as its value, a map or a list by its shape.
 */
public final class Nodes {

    private Nodes() {}

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
