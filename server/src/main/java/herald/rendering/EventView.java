package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Event;
import herald.event.EventParser;
import herald.json.Json;
import herald.json.JsonPaths;
import herald.json.Times;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A stored event document seen by the formats: Moodle-shaped ({@code eventname} and the Moodle
 * fields at top level) or generic ({@code id, type, source, time, data}).
 */
final class EventView {
    private final ObjectNode body;
    private final boolean moodle;
    private final String storedId;

    /** An event not stored (a sample, a document to preview): its id is read from the document. */
    EventView(ObjectNode body) {
        this(body, null);
    }

    /**
     * @param storedId the id Herald stored the event under, or null. A source's Moodle event has no
     *     {@code id} in its document (its id is the source's and the log row's), so the document
     *     alone cannot name it.
     */
    EventView(ObjectNode body, String storedId) {
        this.body = body;
        this.moodle = body.has("eventname");
        this.storedId = storedId;
    }

    ObjectNode body() {
        return body;
    }

    boolean isMoodle() {
        return moodle;
    }

    String id() {
        if (storedId != null) return storedId;
        if (moodle) return EventParser.moodleId(body);
        return body.path("id").asText("");
    }

    String type() {
        return body.path(moodle ? "eventname" : "type").asText("");
    }

    /** The event's {@code source}, or null. */
    String source() {
        JsonNode s = body.get("source");
        return s != null && s.isTextual() ? s.textValue() : null;
    }

    long epochSeconds() {
        if (moodle) return body.path("timecreated").asLong(0);
        try {
            return Times.epochMillis(body.path("time").asText()) / 1000;
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** RFC 3339 UTC. */
    String time() {
        if (!moodle && body.path("time").isTextual()) return body.get("time").textValue();
        return Instant.ofEpochSecond(epochSeconds()).toString();
    }

    /**
     * The Moodle fields in Moodle's order, {@code other} decoded. A generic event is described in
     * the same shape: {@code eventname} is its type, {@code other} its data, {@code timecreated} its time.
     */
    ObjectNode moodleFields() {
        ObjectNode o = Json.object();
        if (moodle) {
            for (String f : Event.MOODLE_FIELDS) {
                JsonNode v = body.get(f);
                o.set(f, f.equals("other") ? MoodleOther.decode(v) : v == null ? o.nullNode() : v);
            }
            if (o.get("other") == null) o.putNull("other");
        } else {
            for (String f : Event.MOODLE_FIELDS) o.putNull(f);
            o.put("eventname", type());
            o.set("other", data());
            o.put("timecreated", epochSeconds());
        }
        return o;
    }

    /** The row the event is about, or null when it is absent or gone ({@code record: false}). */
    JsonNode record() {
        JsonNode r = body.get("record");
        return r != null && r.isObject() ? r : null;
    }

    /** A generic event's {@code data}; a Moodle event's fields (with its record, when it carries one). */
    JsonNode data() {
        if (!moodle) {
            JsonNode d = body.get("data");
            return d == null ? Json.object() : d;
        }
        ObjectNode o = moodleFields();
        if (record() != null) o.set("record", record());
        return o;
    }

    /** A string field of the document at a dotted path, or null. */
    String text(String path) {
        JsonNode v = herald.json.JsonPaths.get(body, path);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }
}
