package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;

/**
 * {@code teachbase}: {@code {"type": "course_stat", "event": "created", "data": {...}}}. {@code type}
 * and {@code event} are read from the event at the paths {@code format_options.type_from} and
 * {@code event_from} (defaults: Moodle's {@code target} and {@code action}; for a generic event the
 * last two parts of its type, {@code ...enrollment.created.v1} → {@code enrollment},
 * {@code created}) and then renamed through the {@code types} and {@code events} maps, e.g.
 * {@code {"types": {"course": "course_stat"}, "events": {"viewed": "updated"}}}.
 */
final class TeachbaseFormat implements Format {
    @Override
    public String name() {
        return "teachbase";
    }

    @Override
    public void checkOptions(JsonFields f) {
        f.rejectUnknown("type_from", "event_from", "types", "events");
        f.string("type_from", false, 255, null);
        f.string("event_from", false, 255, null);
        f.stringMap("types", 500, 255);
        f.stringMap("events", 500, 255);
    }

    @Override
    public Payload render(Input in) {
        EventView e = in.event();
        JsonNode opts = in.options();
        String[] derived = derived(e);
        String type = opts.has("type_from") ? e.text(opts.get("type_from").asText()) : derived[0];
        String event = opts.has("event_from") ? e.text(opts.get("event_from").asText()) : derived[1];
        type = rename(opts.path("types"), type);
        event = rename(opts.path("events"), event);
        ObjectNode o = Json.object();
        if (type == null) o.putNull("type"); else o.put("type", type);
        if (event == null) o.putNull("event"); else o.put("event", event);
        o.set("data", e.data());
        return Payload.json(o);
    }

    private static String[] derived(EventView e) {
        if (e.isMoodle()) return new String[] {e.text("target"), e.text("action")};
        String[] parts = e.type().split("\\.");
        int end = parts.length;
        if (end > 0 && parts[end - 1].matches("v\\d+")) end--; // the version suffix
        return new String[] {end >= 2 ? parts[end - 2] : null, end >= 1 ? parts[end - 1] : null};
    }

    private static String rename(JsonNode map, String value) {
        if (value == null) return null;
        JsonNode to = map.get(value);
        return to != null && to.isTextual() ? to.textValue() : value;
    }
}
