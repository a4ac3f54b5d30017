package herald.catalog;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Optional;

/**
 * The event catalog: every event of Moodle core and its standard plugins, every Open edX public
 * signal and Teachbase's types ({@code catalog/event-types.json}), plus every name seen in ingest,
 * marked {@code seen}. Each entry has a JSON Schema and a sample ({@link EventSchemas}).
 */
public final class EventCatalog {
    private final Database db;
    private final Map<String, ObjectNode> builtIn;
    private final SampleEvents samples;

    public EventCatalog(Database db, SampleEvents samples) {
        this.db = db;
        this.samples = samples;
        this.builtIn = load();
    }

    /** Whether the name is one of the catalog's own (not only seen in ingest). */
    public boolean builtIn(String name) {
        return builtIn.containsKey(name);
    }

    private static Map<String, ObjectNode> load() {
        try (InputStream in = EventCatalog.class.getResourceAsStream("/catalog/event-types.json")) {
            ArrayNode arr = (ArrayNode) Json.MAPPER.readTree(in);
            Map<String, ObjectNode> out = new LinkedHashMap<>();
            arr.forEach(n -> out.put(n.get("name").asText(), (ObjectNode) n));
            return java.util.Collections.unmodifiableMap(out);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the built-in event catalog is missing from the jar", e);
        }
    }

    /**
     * Built-in entries (with {@code seen} true when ingest saw them) followed by names only seen in
     * ingest; without their schemas (see {@link #get}), which would make the list large.
     */
    public List<ObjectNode> all() {
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        for (ObjectNode n : builtIn.values()) byName.put(n.get("name").asText(), summary(n, false));
        for (var seen : seen().entrySet()) {
            ObjectNode n = byName.get(seen.getKey());
            if (n == null) byName.put(seen.getKey(), seenOnly(seen.getKey(), seen.getValue()));
            else n.put("seen", true);
        }
        return new ArrayList<>(byName.values());
    }

    /** One entry with its JSON Schema and a sample, or empty when the name is neither built in nor seen. */
    public Optional<ObjectNode> get(String name) {
        ObjectNode n;
        JsonNode builtin = builtIn.get(name);
        Map<String, String> seen = seen();
        if (builtin != null) {
            n = summary((ObjectNode) builtin, seen.containsKey(name));
        } else if (seen.containsKey(name)) {
            n = seenOnly(name, seen.get(name));
        } else {
            return Optional.empty();
        }
        n.set("schema", EventSchemas.schema(n, builtin == null ? null : builtin.get("data_schema")));
        n.set("sample", sample(name).orElseGet(() -> Json.object()));
        return Optional.of(n);
    }

    /**
     * A sample event of type {@code name}: a real one when the catalog has it (Moodle 4.3 log rows
     * with their records, Open edX signals as sent), otherwise one built from the entry and its schema.
     */
    public Optional<ObjectNode> sample(String name) {
        Optional<ObjectNode> real = samples.of(name);
        if (real.isPresent()) return real;
        ObjectNode entry = builtIn.get(name);
        if (entry == null) return Optional.empty();
        return Optional.of(EventSchemas.sample(entry));
    }

    private static ObjectNode summary(ObjectNode n, boolean seen) {
        ObjectNode copy = n.deepCopy();
        copy.remove("data_schema");
        copy.put("builtin", true);
        copy.put("seen", seen);
        var records = herald.rendering.Formats.learningRecordFormats(n.get("name").asText());
        if (!records.isEmpty()) records.forEach(copy.putArray("learning_records")::add);
        return copy;
    }

    private static ObjectNode seenOnly(String name, String component) {
        ObjectNode n = Json.object();
        n.put("name", name);
        n.put("platform", name.startsWith("\\") ? "moodle" : "other");
        n.put("component", component);
        n.put("description", "Seen in ingested events.");
        n.put("builtin", false);
        n.put("seen", true);
        return n;
    }

    /** Names seen in ingest, with their component. */
    private Map<String, String> seen() {
        return db.read(c -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, component FROM event_types_seen ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }
}
