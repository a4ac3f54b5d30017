package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
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
    /** {@code record_tables: ["*"]}, the default: every table but {@link #NEVER_READ}. */
    static final String ALL = "*";
    static final List<String> DEFAULT_TABLES = List.of(ALL);
    /** What sources created before the default became every table stored as theirs: read as the new default. */
    static final List<String> OLD_DEFAULT_TABLES = List.of("course", "course_categories", "user", "user_enrolments", "enrol",
            "course_modules", "course_modules_completion", "course_completions", "grade_grades", "grade_items", "groups",
            "groups_members", "role_assignments", "quiz_attempts", "assign_submission");
    /**
     * Tables whose rows never leave the LMS as a record, whatever {@code record_tables} says: sessions,
     * site configuration, tokens and keys, password history and resets, OAuth credentials, devices.
     * Their events get {@code record: null} with the reason.
     */
    static final java.util.Set<String> NEVER_READ = java.util.Set.of("sessions", "config", "config_plugins", "config_log",
            "external_tokens", "external_services_users", "user_private_key", "user_password_history", "user_password_resets",
            "user_preferences", "user_devices", "message_airnotifier_devices", "oauth2_access_token", "oauth2_refresh_token",
            "oauth2_issuer", "oauth2_endpoint", "oauth2_system_account", "oauth2_user_field_mapping",
            "auth_oauth2_linked_login", "tool_mfa", "tool_mfa_secrets", "tool_mfa_auth", "registration_hubs",
            "mnet_host", "mnet_session", "mnet_sso_access_control", "portfolio_tempdata", "backup_controllers",
            "logstore_standard_log", "webservice_tokens");
    /** A Moodle table name as the log names it (without prefix); anything else is never put into SQL. */
    static final java.util.regex.Pattern TABLE_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,50}");

    /** Whether a source with {@code recordTables} reads {@code table}'s rows as records. */
    static boolean reads(List<String> recordTables, String table) {
        if (table == null || !TABLE_NAME.matcher(table).matches() || NEVER_READ.contains(table)) return false;
        return recordTables.contains(ALL) || recordTables.contains(table);
    }

    /** Why a row of {@code table} is not read, for {@code record_error}; null when it is read. */
    static String notReadReason(List<String> recordTables, String table) {
        if (reads(recordTables, table)) return null;
        if (table != null && NEVER_READ.contains(table)) return "the table " + table + " is never read (it holds secrets)";
        return "the table " + table + " is not in the source's record_tables";
    }

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
                // Herald's words and the SQL state, not the driver's text (which can quote the far end).
                String reason = "cannot read " + prefix + e.getKey() + " (SQL state " + failure.getSQLState() + ")";
                for (MoodleLog.Row r : e.getValue()) out.put(r.id(), new Result(null, reason));
                continue;
            }
            for (MoodleLog.Row r : e.getValue()) {
                ObjectNode rec = found.get(r.objectid());
                out.put(r.id(), new Result(rec == null ? BooleanNode.FALSE : rec.deepCopy(), null));
            }
        }
        addPortalIds(c, prefix, out.values());
        return out;
    }

    /**
     * {@code portalid}, as the nosey plugin adds it: the {@code idnumber} of the user a record names
     * in {@code userid}, when PHP's {@code intval()} of it is above 0 (kept as the text it is; JSON_NUMERIC_CHECK
     * writes {@code "12345"} and {@code " 42"} as numbers). Users are read in one query; when they
     * cannot be, the records go without it.
     */
    private static void addPortalIds(Connection c, String prefix, java.util.Collection<Result> results) throws SQLException {
        List<Long> userIds = new ArrayList<>();
        for (Result r : results) {
            JsonNode u = r.record() == null ? null : r.record().get("userid");
            if (u != null && u.canConvertToLong() && u.asLong() > 0) userIds.add(u.asLong());
        }
        if (userIds.isEmpty()) return;
        Map<Long, ObjectNode> users;
        try {
            users = rowsById(c, prefix + "user", userIds.stream().distinct().toList());
        } catch (SQLException failure) {
            if (isConnectionLoss(failure)) throw failure;
            return;
        }
        for (Result r : results) {
            JsonNode u = r.record() == null ? null : r.record().get("userid");
            if (u == null || !u.canConvertToLong()) continue;
            ObjectNode user = users.get(u.asLong());
            String idnumber = user == null ? null : user.path("idnumber").asText(null);
            if (idnumber != null && phpIntval(idnumber) > 0) ((ObjectNode) r.record()).put("portalid", idnumber);
        }
    }

    private static final java.util.regex.Pattern PHP_NUMBER = java.util.regex.Pattern.compile(
            "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /** PHP's {@code intval()} of a string: leading whitespace, then the longest number there, truncated; 0 when none. */
    static long phpIntval(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\r\u000B\f".indexOf(s.charAt(i)) >= 0) i++;
        java.util.regex.Matcher m = PHP_NUMBER.matcher(s).region(i, s.length());
        if (!m.lookingAt()) return 0;
        String n = m.group();
        try {
            if (n.matches("[+-]?\\d+")) return Long.parseLong(n.startsWith("+") ? n.substring(1) : n);
            double d = Double.parseDouble(n);
            return Double.isNaN(d) ? 0 : (long) d;
        } catch (NumberFormatException overflow) {
            return n.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
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
            String marks = Sql.marks(chunk.size());
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
