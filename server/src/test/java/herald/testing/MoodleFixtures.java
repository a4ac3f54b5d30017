package herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Event;
import herald.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real Moodle 4.3 log rows of {@code shared/fixtures/moodle-4.3} as events: the Moodle fields
 * as Moodle stored them ({@code other} still serialize() or JSON text), with {@code record} the row
 * the event names, or {@code false} when that row no longer exists.
 */
public final class MoodleFixtures {
    public static final Path DIR = Path.of(System.getProperty("herald.fixtures", "../../shared/fixtures"), "moodle-4.3");

    private MoodleFixtures() {}

    /** Every log row as an event, in log id order; ids 41..161 have serialized {@code other}, 162..282 JSON. */
    public static List<ObjectNode> events() {
        try {
            JsonNode index = Json.read(Files.readString(DIR.resolve("objects/index.json")));
            Map<String, Map<Long, JsonNode>> rows = new HashMap<>();
            Map<String, JsonNode> missing = new HashMap<>();
            index.get("tables").properties().forEach(t -> {
                Map<Long, JsonNode> byId = new HashMap<>();
                JsonNode file = t.getValue().get("file");
                if (file != null && file.isTextual()) {
                    for (String line : lines(DIR.resolve(file.textValue()))) {
                        JsonNode r = Json.read(line);
                        byId.put(r.get("id").asLong(), r);
                    }
                }
                rows.put(t.getKey(), byId);
                missing.put(t.getKey(), t.getValue().path("missing_ids"));
            });
            List<ObjectNode> out = new ArrayList<>();
            for (String line : lines(DIR.resolve("logstore_standard_log.jsonl"))) {
                JsonNode row = Json.read(line);
                ObjectNode e = Json.object();
                e.put("id", "log-" + row.get("id").asText());
                for (String f : Event.MOODLE_FIELDS) e.set(f, row.get(f));
                String table = row.path("objecttable").asText(null);
                if (table != null && rows.containsKey(table)) {
                    JsonNode rec = rows.get(table).get(row.path("objectid").asLong());
                    if (rec != null) e.set("record", rec);
                    else if (missing.get(table).has(row.path("objectid").asText())) e.put("record", false);
                }
                out.add(e);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("the Moodle fixtures are needed at " + DIR.toAbsolutePath(), e);
        }
    }

    /** The first row (from log id {@code fromId} on) of the event named {@code eventname}. */
    public static ObjectNode first(String eventname, int fromId) {
        return events().stream()
                .filter(e -> e.get("eventname").asText().equals(eventname)
                        && Integer.parseInt(e.get("id").asText().substring(4)) >= fromId)
                .findFirst().orElseThrow();
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
