package dev.cutover.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Column reading shared by the repositories: times are ISO text, optional integers may be NULL. */
final class Rows {
    private Rows() {}

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
