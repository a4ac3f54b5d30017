package herald.audit;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every configuration change, made through the UI, the API or the CLI: who, when, what, and the
 * resource before and after. Written in the transaction of the change itself, so a change is never
 * without its entry. The documents given are the API's views, in which secrets are already masked;
 * {@link #masked} masks once more whatever field is named like a secret, in case a view forgets.
 */
public final class AuditLog {
    /** One entry; {@code before} is null for a creation, {@code after} for a deletion. */
    public record Entry(long seq, long at, Actor actor, String action, String targetType, String targetId,
                        String targetName, JsonNode before, JsonNode after) {}

    /** Which entries to list; null fields match everything. */
    public record Filter(String targetType, String targetId, String actorName, String action, Long since, Long until) {
        public static final Filter ALL = new Filter(null, null, null, null, null, null);
    }

    /** What a change touched: its type ("service"), id and a name a person recognises. */
    public record Target(String type, String id, String name) {}

    private static final java.util.Set<String> SECRET_FIELDS = java.util.Set.of(
            "token", "password", "secret", "key", "client_key_pem", "client_key_password", "password_hash");
    private static final int MAX_DOCUMENT_CHARS = 64 * 1024;

    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /** Records a change inside the caller's transaction. */
    public void record(Connection c, Actor actor, String action, Target target, JsonNode before, JsonNode after)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action,"
                + " target_type, target_id, target_name, before_json, after_json) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            ps.setLong(1, System.currentTimeMillis());
            ps.setString(2, actor.kind().wire());
            ps.setString(3, actor.id());
            ps.setString(4, actor.name());
            ps.setString(5, action);
            ps.setString(6, target.type());
            ps.setString(7, target.id());
            ps.setString(8, target.name());
            ps.setString(9, document(before));
            ps.setString(10, document(after));
            ps.executeUpdate();
        }
    }

    /** Records a change in a transaction of its own (for changes whose store commits by itself). */
    public void record(Actor actor, String action, Target target, JsonNode before, JsonNode after) {
        db.inTransaction(c -> {
            record(c, actor, action, target, before, after);
            return null;
        });
    }

    /** Newest first, before {@code beforeSeq} (null: from the newest); {@code limit + 1} rows tell another page exists. */
    public List<Entry> list(Filter f, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, at, actor_kind, actor_id, actor_name, action, target_type, target_id,"
                + " target_name, before_json, after_json FROM audit_log WHERE 1=1");
        List<Object> params = new ArrayList<>();
        if (beforeSeq != null) { sql.append(" AND seq < ?"); params.add(beforeSeq); }
        if (f.targetType() != null) { sql.append(" AND target_type = ?"); params.add(f.targetType()); }
        if (f.targetId() != null) { sql.append(" AND target_id = ?"); params.add(f.targetId()); }
        if (f.actorName() != null) { sql.append(" AND actor_name = ?"); params.add(f.actorName()); }
        if (f.action() != null) { sql.append(" AND action = ?"); params.add(f.action()); }
        if (f.since() != null) { sql.append(" AND at >= ?"); params.add(f.since()); }
        if (f.until() != null) { sql.append(" AND at < ?"); params.add(f.until()); }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        params.add(limit + 1);
        return db.read(c -> {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(rs.getLong(1), rs.getLong(2),
                                new Actor(Actor.Kind.fromWire(rs.getString(3)), rs.getString(4), rs.getString(5)),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                read(rs.getString(10)), read(rs.getString(11))));
                    }
                }
            }
            return out;
        });
    }

    private static String document(JsonNode doc) {
        if (doc == null || doc.isNull()) return null;
        String text = Json.write(masked(doc.deepCopy()));
        // a huge template is kept in its subscription, not copied whole into every entry
        return text.length() <= MAX_DOCUMENT_CHARS ? text
                : Json.write(Json.object().put("truncated", true).put("excerpt", text.substring(0, MAX_DOCUMENT_CHARS)));
    }

    private static JsonNode read(String text) {
        return text == null ? null : Json.read(text);
    }

    /** Replaces the value of every field named like a secret with the mask, unless it is empty or already masked. */
    static JsonNode masked(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            var names = new ArrayList<String>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                // A list of secrets (a signing secret's previous ones) keeps its shape: each one's secret is masked in it.
                if (SECRET_FIELDS.contains(name) && v.isTextual() && !v.asText().isEmpty()) o.put(name, "********");
                else masked(v);
            }
        } else if (node != null && node.isArray()) {
            node.forEach(AuditLog::masked);
        }
        return node;
    }
}
