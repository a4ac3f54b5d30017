package herald.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event catalog: built-in Moodle core events and Open edX signals (from
 * {@code catalog/event-types.json}), plus every name seen in ingest, marked {@code seen}.
 */
public final class EventCatalog {
    private final Database db;
    private final List<ObjectNode> builtIn;

    public EventCatalog(Database db) {
        this.db = db;
        this.builtIn = load();
    }

    private static List<ObjectNode> load() {
        try (InputStream in = EventCatalog.class.getResourceAsStream("/catalog/event-types.json")) {
            ArrayNode arr = (ArrayNode) Json.MAPPER.readTree(in);
            List<ObjectNode> out = new ArrayList<>();
            arr.forEach(n -> out.add((ObjectNode) n));
            return List.copyOf(out);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the built-in event catalog is missing from the jar", e);
        }
    }

    /** Built-in entries (with {@code seen} true when ingest saw them) followed by names only seen in ingest. */
    public List<ObjectNode> all() {
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        for (ObjectNode n : builtIn) {
            ObjectNode copy = n.deepCopy();
            copy.put("builtin", true);
            copy.put("seen", false);
            byName.put(n.get("name").asText(), copy);
        }
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, component FROM event_types_seen ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode n = byName.get(rs.getString(1));
                    if (n == null) {
                        n = Json.object();
                        n.put("name", rs.getString(1));
                        n.put("platform", rs.getString(1).startsWith("\\") ? "moodle" : "other");
                        n.put("component", rs.getString(2));
                        n.put("description", "Seen in ingested events.");
                        n.put("builtin", false);
                        byName.put(rs.getString(1), n);
                    }
                    n.put("seen", true);
                }
            }
            return null;
        });
        return new ArrayList<>(byName.values());
    }

}
