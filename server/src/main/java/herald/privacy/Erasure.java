package herald.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.openedx.OpenEdxSchemas;
import herald.store.Database;
import herald.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Erases a learner from what Herald keeps: every event about them (they acted, or were acted upon:
 * {@code userid}, {@code relateduserid}, {@code realuserid}, a generic event's user, any
 * {@code user.id} in the data, as Open edX events and webfilter calls carry it), with its
 * deliveries — waiting ones, dead letters and delivered ones — and their attempts (the rendered
 * payloads sent and the answers), the webfilter calls and inspector requests about them, and the
 * Open edX bus messages kept because they could not become events: deleted when their Avro data
 * decodes and names the learner, their data removed when it does not decode (whose it is cannot be
 * told). Deleted, not masked: nothing of them stays to be replayed. On SQLite the freed space is overwritten
 * and the write-ahead log emptied (see {@link herald.store.Dialect#erasing}), so their values are in
 * neither file afterwards. The database is shared, so this holds for every node; a delivery another
 * node had already claimed may still be sent once.
 */
public final class Erasure {
    /** What was removed. */
    public record Erased(long events, long deliveries, long deadLetters, long attempts, long webfilterCalls, long inspectorRequests,
                         long gatewayRequests, long openedxFailedMessages, long openedxUnreadablePayloads) {}

    private static final int PAGE = 1000;
    private static final int FAILED_PAGE = 100;
    // Only rows whose text holds the learner's id are read (what concerns(String, String) asks
    // first): reading every row, PostgreSQL's driver held a page of 1,000 bodies of up to 1 MiB
    // each, and the gateway's requests whole. SQLite's LIKE ignores ASCII case: a few more are read.
    /** How deep a document is searched for a {@code user.id}: event data is never deeper in practice. */
    private static final int MAX_DEPTH = 16;
    private static final List<String> USER_FIELDS = List.of("userid", "relateduserid", "realuserid", "user_id");

    private final Database db;
    private final OpenEdxSchemas schemas;

    public Erasure(Database db, OpenEdxSchemas schemas) {
        this.db = db;
        this.schemas = schemas;
    }

    /**
     * Finds what is about the learner with reads (so ingest is not held up while the tables are
     * searched), deletes it in one erasing transaction, then searches what arrived meanwhile, until
     * a pass finds nothing new (at most three).
     */
    public Erased erase(String userId) {
        return erase(userId, null);
    }

    /**
     * As {@link #erase(String)}, the events narrowed to those whose {@code source} is {@code source}
     * (null: every source). A learner's id is one LMS's own: with two behind one Herald, user 7 of
     * one is another person than user 7 of the other. The other stores name no source and are
     * searched as without it.
     */
    public Erased erase(String userId, String source) {
        // events, deliveries, dead letters, attempts, webfilter calls, inspector requests, gateway requests,
        // Open edX failed messages deleted, and emptied
        long[] counts = new long[9];
        long[] after = new long[3];
        for (int pass = 0; pass < 3; pass++) {
            String like = Sql.containing(userId);
            Found events = db.read(c -> matching(c, "SELECT seq, id, user_id, body FROM events WHERE seq > ?"
                    + (source == null ? "" : " AND source = ?") + " AND (user_id = ? OR " + Sql.like("body") + ")"
                    + " ORDER BY seq LIMIT " + PAGE, userId, true, after[0],
                    source == null ? List.of(userId, like) : List.of(source, userId, like)));
            Found calls = db.read(c -> matching(c, "SELECT seq, seq, NULL, request_body FROM webfilter_calls WHERE seq > ? AND "
                    + Sql.like("request_body") + " ORDER BY seq LIMIT " + PAGE, userId, false, after[1], List.of(like)));
            Found inspected = db.read(c -> matching(c, "SELECT seq, seq, NULL, body FROM inspector_requests WHERE seq > ? AND "
                    + Sql.like("body") + " ORDER BY seq LIMIT " + PAGE, userId, false, after[2], List.of(like)));
            List<String> requests = db.read(c -> gatewayRequests(c, userId));
            FailedMessages failed = db.read(c -> failedMessages(c, userId));
            after[0] = events.lastSeq();
            after[1] = calls.lastSeq();
            after[2] = inspected.lastSeq();
            boolean nothing = events.ids().isEmpty() && calls.ids().isEmpty() && inspected.ids().isEmpty() && requests.isEmpty()
                    && failed.about().isEmpty() && failed.unreadable().isEmpty();
            if (nothing && pass > 0) break;
            // Counted afresh by each run of the transaction (PostgreSQL may run it again after a deadlock).
            long[] erased = db.dialect().erasing(db, c -> {
                long[] n = new long[counts.length];
                for (List<String> chunk : chunks(events.ids())) deleteEvents(c, chunk, n, "events");
                for (List<String> chunk : chunks(requests)) deleteEvents(c, chunk, n, "gateway_requests");
                n[4] += deleteRows(c, "webfilter_calls", calls.ids());
                n[5] += deleteRows(c, "inspector_requests", inspected.ids());
                n[7] += deleteRows(c, "openedx_failed_messages", failed.about());
                n[8] += emptyPayloads(c, failed.unreadable());
                return n;
            });
            for (int i = 0; i < counts.length; i++) counts[i] += erased[i];
        }
        return new Erased(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8]);
    }

    /** Kept Open edX messages (their {@code seq}) that name the learner, and those whose data cannot be read to tell. */
    private record FailedMessages(List<String> about, List<String> unreadable) {}

    private FailedMessages failedMessages(Connection c, String userId) throws SQLException {
        List<String> about = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        // Page by page (their data has no size bound, and cannot be searched in SQL: Avro, in base64).
        long after = 0;
        for (int n = FAILED_PAGE; n == FAILED_PAGE; ) {
            n = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, type, event_data FROM openedx_failed_messages"
                    + " WHERE event_data IS NOT NULL AND seq > ? ORDER BY seq LIMIT " + FAILED_PAGE)) {
                ps.setLong(1, after);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        after = rs.getLong(1);
                        String seq = Long.toString(after);
                        String type = rs.getString(2);
                        try {
                            if (type == null) unreadable.add(seq);
                            else if (concerns(schemas.decode(type, Base64.getDecoder().decode(rs.getString(3))), userId)) about.add(seq);
                        } catch (OpenEdxSchemas.Undecodable | IllegalArgumentException unknown) {
                            unreadable.add(seq);
                        }
                    }
                }
            }
        }
        return new FailedMessages(about, unreadable);
    }

    /** The message stays listed with its reason; its data goes. */
    private static long emptyPayloads(Connection c, List<String> seqs) throws SQLException {
        long n = 0;
        for (List<String> chunk : chunks(seqs)) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE openedx_failed_messages SET event_data = NULL,"
                    + " reason = reason || ' (its data was removed by a learner erasure: it could not be read to tell whose it is)'"
                    + " WHERE event_data IS NOT NULL AND seq IN (" + Sql.marks(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) ps.setLong(i + 1, Long.parseLong(chunk.get(i)));
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    /** Gateway calls whose request (path, payload, headers) names the learner: their deliveries and attempts go with them. */
    private static List<String> gatewayRequests(Connection c, String userId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, request FROM gateway_requests WHERE " + Sql.like("request"))) {
            ps.setString(1, Sql.containing(userId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) if (concerns(rs.getString(2), userId)) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Ids of the rows about the learner, and the last row looked at. */
    private record Found(List<String> ids, long lastSeq) {}

    /**
     * The ids (second column) of rows after {@code after} whose user column (third) or document
     * (fourth) is about {@code userId}; {@code more}: the query's parameters after {@code after}.
     */
    private static Found matching(Connection c, String sql, String userId, boolean byColumn, long after, List<String> more)
            throws SQLException {
        List<String> out = new ArrayList<>();
        while (true) {
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, after);
                for (int i = 0; i < more.size(); i++) ps.setString(i + 2, more.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        after = rs.getLong(1);
                        boolean match = byColumn && userId.equals(rs.getString(3));
                        if (!match) match = concerns(rs.getString(4), userId);
                        if (match) out.add(rs.getString(2));
                    }
                }
            }
            if (n < PAGE) return new Found(out, after);
        }
    }

    /** Whether the JSON text names {@code userId} as one of its users. */
    static boolean concerns(String json, String userId) {
        if (json == null || !json.contains(userId)) return false; // cheap: the id's digits must be in the text
        JsonNode doc;
        try {
            doc = Json.read(json);
        } catch (IllegalArgumentException notJson) {
            return false;
        }
        return concerns(doc, userId);
    }

    private static boolean concerns(JsonNode doc, String userId) {
        for (String f : USER_FIELDS) if (userId.equals(text(doc.get(f)))) return true;
        return hasUser(doc, userId, 0);
    }

    /** An object named {@code user} whose {@code id} is {@code userId}, anywhere in {@code node}. */
    private static boolean hasUser(JsonNode node, String userId, int depth) {
        if (node == null || !node.isContainerNode() || depth > MAX_DEPTH) return false;
        if (node.isObject()) {
            JsonNode user = node.get("user");
            if (user != null && user.isObject() && userId.equals(text(user.get("id")))) return true;
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                if (USER_FIELDS.contains(f.getKey()) && userId.equals(text(f.getValue()))) return true;
                if (hasUser(f.getValue(), userId, depth + 1)) return true;
            }
        } else {
            for (JsonNode item : node) if (hasUser(item, userId, depth + 1)) return true;
        }
        return false;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    /** Deletes the events (or gateway requests: {@code owner}) with their deliveries and attempts. */
    private static void deleteEvents(Connection c, List<String> ids, long[] counts, String owner) throws SQLException {
        counts[owner.equals("events") ? 0 : 6] += ids.size();
        String marks = Sql.marks(ids.size());
        List<String> deliveries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status FROM deliveries WHERE event_id IN (" + marks + ")")) {
            Sql.bind(c, ps, 1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deliveries.add(rs.getString(1));
                    if ("dead".equals(rs.getString(2))) counts[2]++;
                }
            }
        }
        for (List<String> chunk : chunks(deliveries)) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM attempts WHERE delivery_id IN (" + Sql.marks(chunk.size()) + ")")) {
                Sql.bind(c, ps, 1, chunk);
                counts[3] += ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM deliveries WHERE id IN (" + Sql.marks(chunk.size()) + ")")) {
                Sql.bind(c, ps, 1, chunk);
                counts[1] += ps.executeUpdate();
            }
            // A key's line that ended with these (its key may be the learner's id) is forgotten; one
            // still waiting moved back to the delivery before (see migration V12).
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ordering_tails WHERE delivery_id IN (" + Sql.marks(chunk.size()) + ")")) {
                Sql.bind(c, ps, 1, chunk);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + owner + " WHERE id IN (" + marks + ")")) {
            Sql.bind(c, ps, 1, ids);
            ps.executeUpdate();
        }
    }

    private static long deleteRows(Connection c, String table, List<String> seqs) throws SQLException {
        long n = 0;
        for (List<String> chunk : chunks(seqs)) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE seq IN (" + Sql.marks(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) ps.setLong(i + 1, Long.parseLong(chunk.get(i)));
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    private static List<List<String>> chunks(List<String> all) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 500) out.add(all.subList(i, Math.min(all.size(), i + 500)));
        return out;
    }
}
