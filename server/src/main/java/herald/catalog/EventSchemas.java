package herald.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.io.IOException;
import java.io.InputStream;

/**
 * JSON Schemas (draft 2020-12) of the events in the catalog as Herald stores them, and samples built
 * from them: a Moodle event is the common shape of {@code \core\event\base} data
 * ({@code catalog/moodle-event-schema.json}) with its name fixed; an Open edX event is a generic
 * event whose {@code data} is the signal's data (from its Avro schema); the others are generic events.
 */
final class EventSchemas {
    private static final JsonNode MOODLE = load();
    private static final int MAX_DEPTH = 12;

    private EventSchemas() {}

    private static JsonNode load() {
        try (InputStream in = EventSchemas.class.getResourceAsStream("/catalog/moodle-event-schema.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("catalog/moodle-event-schema.json is missing from the jar", e);
        }
    }

    static ObjectNode schema(ObjectNode entry, JsonNode dataSchema) {
        String name = entry.get("name").asText();
        if ("moodle".equals(entry.path("platform").asText())) {
            ObjectNode s = ((ObjectNode) MOODLE).deepCopy();
            s.remove("$id");
            s.put("title", name);
            ObjectNode props = (ObjectNode) s.get("properties");
            props.putObject("eventname").put("const", name);
            if (entry.hasNonNull("component")) props.putObject("component").put("const", entry.get("component").asText());
            return s;
        }
        ObjectNode s = Json.object();
        s.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        s.put("title", name);
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        props.putObject("id").put("type", "string").put("description", "the event's id: the same id again is not delivered again");
        props.putObject("type").put("const", name);
        props.putObject("source").put("type", "string");
        props.putObject("time").put("type", "string").put("format", "date-time");
        if (dataSchema != null && dataSchema.isObject()) {
            ObjectNode data = ((ObjectNode) dataSchema).deepCopy();
            data.remove("$schema");
            data.remove("$id");
            props.set("data", data);
        } else {
            props.putObject("data").put("type", "object");
        }
        ArrayNode required = s.putArray("required");
        required.add("id").add("type").add("data");
        return s;
    }

    /** An event of the entry's type that its schema accepts: the fields a real one has, with plain values. */
    static ObjectNode sample(ObjectNode entry) {
        String name = entry.get("name").asText();
        if ("moodle".equals(entry.path("platform").asText())) {
            String[] parts = name.substring(1).split("\\\\");
            String cls = parts[parts.length - 1];
            int cut = cls.lastIndexOf('_');
            ObjectNode e = Json.object();
            e.put("id", "sample-" + cls);
            e.put("eventname", name);
            e.put("component", entry.path("component").asText(parts[0]));
            e.put("action", cut > 0 ? cls.substring(cut + 1) : cls);
            e.put("target", cut > 0 ? cls.substring(0, cut) : cls);
            if (entry.hasNonNull("objecttable")) e.put("objecttable", entry.get("objecttable").asText()); else e.putNull("objecttable");
            if (entry.hasNonNull("objecttable")) e.put("objectid", 7); else e.putNull("objectid");
            e.put("crud", entry.path("crud").asText("r"));
            e.put("edulevel", entry.path("edulevel").asInt(2));
            e.put("contextid", 42);
            e.put("contextlevel", 50);
            e.put("contextinstanceid", "5");
            e.put("userid", "3");
            e.put("courseid", "5");
            e.putNull("relateduserid");
            e.put("anonymous", 0);
            e.putNull("other");
            e.put("timecreated", 1796530137);
            return e;
        }
        ObjectNode e = Json.object();
        e.put("id", "sample-" + Integer.toHexString(name.hashCode()));
        e.put("type", name);
        e.put("source", "openedx".equals(entry.path("platform").asText()) ? "openedx/lms/web" : "https://lms.example/");
        e.put("time", "2026-01-31T12:00:00Z");
        JsonNode data = schema(entry, entry.get("data_schema")).path("properties").path("data");
        JsonNode value = example(data, 0);
        e.set("data", value.isObject() ? value : Json.object());
        return e;
    }

    /** A plain value that {@code schema} accepts: its required and described properties, first alternatives. */
    static JsonNode example(JsonNode schema, int depth) {
        var f = Json.MAPPER.getNodeFactory();
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) return f.nullNode();
        if (schema.has("const")) return schema.get("const");
        if (schema.has("enum") && !schema.get("enum").isEmpty()) return schema.get("enum").get(0);
        for (String alt : new String[] {"anyOf", "oneOf"}) {
            if (schema.has(alt)) {
                for (JsonNode option : schema.get(alt)) {
                    if (!"null".equals(option.path("type").asText())) return example(option, depth + 1);
                }
            }
        }
        JsonNode type = schema.get("type");
        String t = type == null ? "object" : type.isArray() ? firstNonNull(type) : type.asText();
        return switch (t) {
            case "string" -> f.textNode("date-time".equals(schema.path("format").asText()) ? "2026-01-31T12:00:00Z"
                    : "uuid".equals(schema.path("format").asText()) ? "5f0c9a2e-0000-4000-8000-000000000001" : "example");
            case "integer" -> f.numberNode(1);
            case "number" -> f.numberNode(1.5);
            case "boolean" -> f.booleanNode(true);
            case "null" -> f.nullNode();
            case "array" -> {
                ArrayNode a = f.arrayNode();
                JsonNode item = example(schema.get("items"), depth + 1);
                if (!item.isNull()) a.add(item);
                yield a;
            }
            default -> {
                ObjectNode o = f.objectNode();
                schema.path("properties").properties().forEach(p -> o.set(p.getKey(), example(p.getValue(), depth + 1)));
                yield o;
            }
        };
    }

    private static String firstNonNull(JsonNode types) {
        for (JsonNode t : types) if (!t.asText().equals("null")) return t.asText();
        return "null";
    }
}
