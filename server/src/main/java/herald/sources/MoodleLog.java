package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Event;
import herald.event.PhpUnserialize;
import herald.json.Json;
import herald.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reading Moodle's standard log table ({@code {prefix}logstore_standard_log}) and turning its rows
 * into events shaped as Moodle's {@code $event->get_data()} gives them: ids and levels as integers,
 * {@code objecttable} null when empty, {@code other} decoded from JSON or PHP {@code serialize()}.
 */
final class MoodleLog {
    static final int MAX_OTHER_CHARS = 256 * 1024;
    /**
     * An {@code other} over {@link #MAX_OTHER_CHARS} is not read, only its length: read whole, a
     * batch of 1,000 rows could hold a quarter of a GiB before it was refused.
     */
    private static final String COLUMNS = "id, eventname, component, action, target, objecttable, objectid, crud,"
            + " edulevel, contextid, contextlevel, contextinstanceid, userid, courseid, relateduserid, anonymous,"
            + " CASE WHEN CHAR_LENGTH(other) > " + MAX_OTHER_CHARS + " THEN NULL ELSE other END,"
            + " timecreated, origin, ip, realuserid, CHAR_LENGTH(other)";
    /** Bounds one IN (...) list. */
    static final int MAX_IN = 500;

    /**
     * One log row as stored; nullable columns are boxed. {@code other} is null when it is over
     * {@link #MAX_OTHER_CHARS}; {@code otherChars} is its length.
     */
    record Row(long id, String eventname, String component, String action, String target, String objecttable,
               Long objectid, String crud, long edulevel, long contextid, long contextlevel, long contextinstanceid,
               long userid, Long courseid, Long relateduserid, long anonymous, String other, long timecreated,
               String origin, String ip, Long realuserid, long otherChars) {
        /** A row whose {@code other} was read whole. */
        Row(long id, String eventname, String component, String action, String target, String objecttable,
            Long objectid, String crud, long edulevel, long contextid, long contextlevel, long contextinstanceid,
            long userid, Long courseid, Long relateduserid, long anonymous, String other, long timecreated,
            String origin, String ip, Long realuserid) {
            this(id, eventname, component, action, target, objecttable, objectid, crud, edulevel, contextid, contextlevel,
                    contextinstanceid, userid, courseid, relateduserid, anonymous, other, timecreated, origin, ip, realuserid,
                    other == null ? 0 : other.length());
        }
    }

    /** The newest row: its id and time, for the lag. */
    record Head(long id, long timecreated) {}

    private final String table;

    MoodleLog(String table) {
        this.table = table;
    }

    /** Up to {@code limit} rows after {@code afterId}, in id order. */
    List<Row> after(Connection c, long afterId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                + " WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            return rows(ps);
        }
    }

    /** The rows among {@code ids} that exist now, in id order. */
    List<Row> byIds(Connection c, Collection<Long> ids) throws SQLException {
        List<Row> out = new ArrayList<>();
        List<Long> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += MAX_IN) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + MAX_IN));
            String marks = Sql.marks(chunk.size());
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                    + " WHERE id IN (" + marks + ") ORDER BY id")) {
                for (int i = 0; i < chunk.size(); i++) ps.setLong(i + 1, chunk.get(i));
                out.addAll(rows(ps));
            }
        }
        return out;
    }

    /** The newest row, or null when the table is empty. */
    Head head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, timecreated FROM " + table + " ORDER BY id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Head(rs.getLong(1), rs.getLong(2)) : null;
        }
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // getLong, not getObject: MySQL/MariaDB drivers read TINYINT(1) (edulevel, anonymous) as Boolean.
                out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), nullableLong(rs, 7), rs.getString(8), rs.getLong(9), rs.getLong(10),
                        rs.getLong(11), rs.getLong(12), rs.getLong(13), nullableLong(rs, 14), nullableLong(rs, 15),
                        rs.getLong(16), rs.getString(17), rs.getLong(18), rs.getString(19), rs.getString(20),
                        nullableLong(rs, 21), rs.getLong(22)));
            }
        }
        return out;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** The event id of a log row: the same row read twice is the same event. */
    static String eventId(String sourceId, long logId) {
        return sourceId + "-" + logId;
    }

    /**
     * The event for one row, shaped as {@code $event->get_data()} was when Moodle triggered it (each
     * id a string or an int as the triggering code had it: {@link MoodleTypes}), with the source and
     * the columns beyond get_data() (log_id, origin, ip, realuserid).
     */
    static Event toEvent(String sourceId, Row r) {
        ObjectNode b = Json.object();
        b.put("eventname", r.eventname());
        b.put("component", r.component());
        b.put("action", r.action());
        b.put("target", r.target());
        b.put("objecttable", r.objecttable() == null || r.objecttable().isEmpty() ? null : r.objecttable());
        b.putNull("objectid"); // the typed fields take their places in get_data()'s order, then get their values
        b.put("crud", r.crud());
        for (String f : List.of("edulevel", "contextid", "contextlevel", "contextinstanceid", "userid", "courseid",
                "relateduserid", "anonymous")) {
            b.putNull(f);
        }
        other(b, r.other(), r.otherChars());
        b.putNull("timecreated");
        JsonNode other = b.get("other");
        MoodleTypes types = MoodleTypes.table();
        String name = r.eventname();
        types.put(b, name, "objectid", r.objectid(), other);
        types.put(b, name, "edulevel", r.edulevel(), other);
        types.put(b, name, "contextid", r.contextid(), other);
        types.put(b, name, "contextlevel", r.contextlevel(), other);
        types.put(b, name, "contextinstanceid", r.contextinstanceid(), other);
        types.put(b, name, "userid", r.userid(), other);
        types.put(b, name, "courseid", r.courseid(), other);
        types.put(b, name, "relateduserid", r.relateduserid(), other);
        types.put(b, name, "anonymous", r.anonymous(), other);
        types.put(b, name, "timecreated", r.timecreated(), other);
        b.put("source", sourceId);
        b.put("log_id", r.id());
        b.put("origin", r.origin());
        b.put("ip", r.ip());
        b.put("realuserid", r.realuserid());
        return new Event(eventId(sourceId, r.id()), Event.Kind.MOODLE, r.eventname(), sourceId,
                r.courseid() == null ? null : r.courseid().toString(), Long.toString(r.userid()),
                r.timecreated() * 1000, b);
    }

    /**
     * Moodle stores {@code other} as JSON when the log store's "JSON format" setting is on and as PHP
     * {@code serialize()} output otherwise; both occur in one table after the setting changed. What
     * neither reader accepts is kept as the text, with the reason in {@code other_error}.
     */
    private static void other(ObjectNode b, String raw, long chars) {
        if (chars > MAX_OTHER_CHARS) { // Moodle's are a few hundred bytes; a huge one would bloat every delivery
            b.putNull("other");
            b.put("other_error", "not stored: " + chars + " characters, more than " + MAX_OTHER_CHARS);
            return;
        }
        if (raw == null || raw.equals("N;") || raw.equals("null") || raw.isEmpty()) {
            b.putNull("other");
            return;
        }
        if (looksSerialized(raw)) {
            try {
                b.set("other", PhpUnserialize.parse(raw));
                return;
            } catch (PhpUnserialize.Invalid e) {
                b.put("other", raw);
                b.put("other_error", "PHP serialized data not read: " + e.getMessage());
                return;
            }
        }
        try {
            JsonNode v = Json.MAPPER.readTree(raw);
            b.set("other", v);
        } catch (java.io.IOException | RuntimeException e) {
            b.put("other", raw);
            b.put("other_error", "neither JSON nor PHP serialized data");
        }
    }

    private static boolean looksSerialized(String raw) {
        return raw.length() >= 2 && "abdisNOCrRE".indexOf(raw.charAt(0)) >= 0 && (raw.charAt(1) == ':' || raw.charAt(1) == ';');
    }
}
