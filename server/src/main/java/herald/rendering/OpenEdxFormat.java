package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import java.net.URI;

/**
 * {@code openedx}: the Open edX webhooks plugin's shape,
 * {@code {"<data class path>": {data}, "event_metadata": {...}}}. The data class comes from
 * {@code format_options.data_class}, else the catalog entry of the event type, else the event's
 * {@code data_class}; a generic event whose data holds a single object (Open edX signals carry one,
 * e.g. {@code user}) is unwrapped to it. Metadata the event carries in {@code event_metadata}
 * is kept; missing fields are filled from the event.
 */
final class OpenEdxFormat implements Format {
    @Override
    public String name() {
        return "openedx";
    }

    @Override
    public void checkOptions(JsonFields f) {
        f.rejectUnknown("data_class");
        f.string("data_class", false, 255, null);
    }

    @Override
    public Payload render(Input in) {
        EventView e = in.event();
        String dataClass = in.options().path("data_class").asText(null);
        if (dataClass == null) dataClass = DataClasses.of(e.type());
        if (dataClass == null) dataClass = e.body().path("data_class").asText(e.isMoodle() ? "moodle.event" : "data");
        ObjectNode o = Json.object();
        o.set(dataClass, unwrap(e));
        ObjectNode meta = o.putObject("event_metadata");
        // The metadata an event came with: in event_metadata (the plugin's relay), else at the top level
        // (an event read from the bus keeps its message's headers there).
        ObjectNode given = Json.object();
        e.body().properties().forEach(f -> {
            if (METADATA.contains(f.getKey())) given.set(f.getKey(), f.getValue());
        });
        if (e.body().path("event_metadata").isObject()) given.setAll((ObjectNode) e.body().get("event_metadata"));
        meta.set("event_type", text(given, "event_type", e.type()));
        meta.set("id", text(given, "id", e.id()));
        meta.set("minorversion", given.path("minorversion").isIntegralNumber() ? given.get("minorversion") : meta.numberNode(0));
        String source = e.source() != null ? e.source() : e.isMoodle() ? "moodle" : "openedx/lms/web";
        meta.set("source", text(given, "source", source));
        meta.set("sourcehost", text(given, "sourcehost", !in.siteHost().isEmpty() ? in.siteHost() : host(source)));
        meta.set("time", text(given, "time", e.time()));
        meta.set("sourcelib", sourcelib(given.get("sourcelib")));
        return Payload.json(o);
    }

    /** The top-level fields of a bus event that are its metadata (see EventBusMessages). */
    private static final java.util.Set<String> METADATA = java.util.Set.of("minorversion", "sourcehost", "sourcelib");

    /**
     * The library version as the plugin sends it, {@code asdict()} of a tuple: {@code [11, 2, 0]}. A bus
     * message's header carries it as text ({@code "11.2.0"}); an array is kept as given.
     */
    private static JsonNode sourcelib(JsonNode given) {
        if (given != null && given.isArray()) return given;
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (given != null && given.isTextual() && given.textValue().matches("\\d{1,9}(\\.\\d{1,9}){0,5}")) {
            for (String part : given.textValue().split("\\.")) out.add(Integer.parseInt(part));
        }
        return out;
    }

    private static JsonNode unwrap(EventView e) {
        JsonNode data = e.data();
        if (!e.isMoodle() && data.isObject() && data.size() == 1) {
            JsonNode only = data.elements().next();
            if (only.isObject()) return only;
        }
        return data;
    }

    private static JsonNode text(JsonNode given, String field, String fallback) {
        JsonNode v = given.get(field);
        return v != null && !v.isNull() ? v : Json.MAPPER.getNodeFactory().textNode(fallback);
    }

    private static String host(String source) {
        try {
            String h = URI.create(source).getHost();
            return h == null ? "" : h;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
