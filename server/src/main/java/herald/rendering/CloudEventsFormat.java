package herald.rendering;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;

/**
 * {@code cloudevents}: CloudEvents 1.0 in structured JSON mode
 * ({@code application/cloudevents+json}). {@code source} is {@code format_options.source}, else the
 * event's source, else the site URL, else {@code urn:herald}; {@code subject} is a Moodle event's
 * object ({@code course_categories/4}) when it has one.
 */
final class CloudEventsFormat implements Format {
    @Override
    public String name() {
        return "cloudevents";
    }

    @Override
    public void checkOptions(JsonFields f) {
        f.rejectUnknown("source");
        f.string("source", false, 2048, null);
    }

    static final String MEDIA_TYPE = "application/cloudevents+json";

    @Override
    public Payload render(Input in) {
        EventView e = in.event();
        ObjectNode o = Json.object();
        o.put("specversion", "1.0");
        o.put("id", e.id());
        String source = in.options().path("source").asText(null);
        if (source == null) source = e.source();
        if (source == null) source = in.service().siteUrl() != null && !in.service().siteUrl().isEmpty()
                ? in.service().siteUrl() : "urn:herald";
        o.put("source", source);
        o.put("type", e.type());
        o.put("time", e.time());
        String table = e.text("objecttable");
        String object = e.text("objectid");
        if (e.isMoodle() && table != null && object != null) o.put("subject", table + "/" + object);
        o.put("datacontenttype", "application/json");
        o.set("data", e.data());
        return new Payload(o, null, false, MEDIA_TYPE);
    }
}
