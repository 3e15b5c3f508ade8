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
 * Column reading shared by the repositories: times are ISO text, optional integers may be NULL, instance counts by
 * process type are a JSON object (NULL: none).
 */
final class Rows {
    private static final TypeReference<Map<String, Integer>> COUNTS = new TypeReference<>() {};

    private Rows() {}

    static Map<String, Integer> counts(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(json, COUNTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(column + " in the store is not valid JSON: " + json, e);
        }
    }

    static String countsJson(Map<String, Integer> counts) {
        try {
            return counts.isEmpty() ? null : Json.mapper().writeValueAsString(new TreeMap<>(counts));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write instance counts as JSON", e);
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
