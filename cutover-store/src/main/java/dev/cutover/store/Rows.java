package dev.cutover.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cutover.model.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Column reading shared by the repositories: times are ISO text, optional integers may be NULL, maps (instance
 * counts by process type, weights by release) are JSON objects (NULL: empty).
 */
final class Rows {
    private static final TypeReference<Map<String, Integer>> COUNTS = new TypeReference<>() {};

    private Rows() {}

    static Map<String, Integer> counts(ResultSet rs, String column) throws SQLException {
        return map(rs.getString(column), COUNTS, column);
    }

    /** A map kept as a JSON object; NULL is the empty map. */
    static <K, V> Map<K, V> map(String json, TypeReference<Map<K, V>> type, String column) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(column + " in the store is not valid JSON: " + json, e);
        }
    }

    /** A map as a JSON object with sorted keys; the empty map is NULL. */
    static String json(Map<?, ?> map) {
        try {
            return map.isEmpty() ? null : Json.mapper().writeValueAsString(new TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + map + " as JSON", e);
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : Instant.parse(s);
    }

    static Integer optionalInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
