package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Record enrichment: the row an event's {@code objecttable}/{@code objectid} names, loaded from the
 * Moodle database when the log row is read, as {@code record}. Only allowlisted tables are read,
 * credential columns are never copied, a row that no longer exists gives {@code false} (as Moodle's
 * {@code get_record()} does), and a failure gives {@code null} with the reason: it never holds the
 * event back.
 */
final class Records {
    static final List<String> DEFAULT_TABLES = List.of("course", "course_categories", "user", "user_enrolments", "enrol",
            "course_modules", "course_modules_completion", "course_completions", "grade_grades", "grade_items", "groups",
            "groups_members", "role_assignments", "quiz_attempts", "assign_submission");

    /** What enrichment gave one event: the record (an object or {@code false}), or null and why. */
    record Result(JsonNode record, String error) {}

    private Records() {}

    /** Never copied: passwords, secrets, tokens and enrolment keys of any table, and every hash. */
    static boolean isCredential(String column) {
        String c = column.toLowerCase(Locale.ROOT);
        return c.contains("password") || c.contains("secret") || c.contains("token") || c.contains("hash")
                || c.equals("enrolmentkey");
    }

    /**
     * Loads the records of {@code rows} (each an objecttable and objectid of an allowlisted table), one
     * query per table. A lost connection is thrown, so the poll is retried; any other failure (no
     * such table, no SELECT grant) becomes a null record with the reason.
     */
    static Map<Long, Result> load(Connection c, String prefix, List<MoodleLog.Row> rows) throws SQLException {
        Map<String, List<MoodleLog.Row>> byTable = new HashMap<>();
        for (MoodleLog.Row r : rows) byTable.computeIfAbsent(r.objecttable(), t -> new ArrayList<>()).add(r);
        Map<Long, Result> out = new HashMap<>();
        for (var e : byTable.entrySet()) {
            Map<Long, ObjectNode> found;
            try {
                found = rowsById(c, prefix + e.getKey(), e.getValue().stream().map(MoodleLog.Row::objectid).distinct().toList());
            } catch (SQLException failure) {
                if (isConnectionLoss(failure)) throw failure;
                String reason = "cannot read " + prefix + e.getKey() + ": " + failure.getMessage();
                for (MoodleLog.Row r : e.getValue()) out.put(r.id(), new Result(null, reason));
                continue;
            }
            for (MoodleLog.Row r : e.getValue()) {
                ObjectNode rec = found.get(r.objectid());
                out.put(r.id(), new Result(rec == null ? BooleanNode.FALSE : rec.deepCopy(), null));
            }
        }
        return out;
    }

    static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("08")) || e instanceof java.sql.SQLTransientConnectionException
                || e instanceof java.sql.SQLNonTransientConnectionException;
    }

    private static Map<Long, ObjectNode> rowsById(Connection c, String table, List<Long> ids) throws SQLException {
        Map<Long, ObjectNode> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += MoodleLog.MAX_IN) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + MoodleLog.MAX_IN));
            String marks = String.join(",", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE id IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) ps.setLong(i + 1, chunk.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        ObjectNode o = Json.object();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                            if (!isCredential(name)) put(o, name, rs, i, md.getColumnType(i));
                        }
                        out.put(o.path("id").asLong(), o);
                    }
                }
            }
        }
        return out;
    }

    /** Numbers as numbers (TINYINT(1) too, which drivers like to call boolean), decimals exact, the rest as text. */
    private static void put(ObjectNode o, String name, ResultSet rs, int i, int type) throws SQLException {
        switch (type) {
            case Types.BIT, Types.BOOLEAN, Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                long v = rs.getLong(i);
                if (rs.wasNull()) o.putNull(name); else o.put(name, v);
            }
            case Types.DECIMAL, Types.NUMERIC -> o.put(name, rs.getBigDecimal(i));
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double v = rs.getDouble(i);
                if (rs.wasNull()) o.putNull(name); else o.put(name, v);
            }
            default -> o.put(name, rs.getString(i));
        }
    }
}
