package herald.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonPaths;
import herald.json.Times;
import herald.problem.FieldErrors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;

/**
 * Validates an ingested event and turns it into an {@link Event}. Moodle-shaped events are
 * recognised by {@code eventname}, generic ones by {@code type}. Field errors are named with the
 * event's position in a batch ({@code [3].timecreated}).
 */
public final class EventParser {
    private static final Set<String> MOODLE_ID_FIELDS = Set.of(
            "objectid", "contextid", "contextlevel", "contextinstanceid", "userid", "courseid", "relateduserid");
    private static final int MAX_ID = 200;
    private static final java.util.regex.Pattern INTEGER_TEXT = java.util.regex.Pattern.compile("-?\\d{1,18}");
    private static final int MAX_NAME = 255;

    private EventParser() {}

    public static Event parse(JsonNode node, String at, FieldErrors errors, String defaultSource) {
        String p = at.isEmpty() ? "" : at + ".";
        if (node == null || !node.isObject()) {
            errors.add(at.isEmpty() ? "body" : at, "an event must be a JSON object");
            return null;
        }
        ObjectNode body = (ObjectNode) node; // freshly parsed for this request: filled in place, not copied
        if (body.has("eventname")) return moodle(body, p, errors, defaultSource);
        if (body.has("type")) return generic(body, p, errors);
        errors.add(p + "eventname", "an event needs 'eventname' (Moodle-shaped) or 'type' (generic)");
        return null;
    }

    private static Event moodle(ObjectNode body, String p, FieldErrors errors, String defaultSource) {
        int before = errors.list().size();
        String eventname = text(body, "eventname", p, errors, MAX_NAME, true);
        if (eventname != null && !eventname.startsWith("\\")) {
            errors.add(p + "eventname", "must be a Moodle event class name such as \\core\\event\\course_viewed");
        }
        for (String f : new String[] {"component", "action", "target", "objecttable"}) text(body, f, p, errors, MAX_NAME, false);
        for (String f : MOODLE_ID_FIELDS) {
            JsonNode v = body.get(f);
            if (v != null && !v.isNull() && !v.isIntegralNumber() && !(v.isTextual() && INTEGER_TEXT.matcher(v.textValue()).matches())) {
                errors.add(p + f, "must be an integer, a numeric string or null");
            }
        }
        JsonNode crud = body.get("crud");
        if (crud != null && !crud.isNull() && !(crud.isTextual() && Set.of("c", "r", "u", "d").contains(crud.textValue()))) {
            errors.add(p + "crud", "must be one of c, r, u, d");
        }
        JsonNode edulevel = body.get("edulevel");
        if (edulevel != null && !edulevel.isNull() && !(edulevel.isIntegralNumber() && edulevel.intValue() >= 0 && edulevel.intValue() <= 2)) {
            errors.add(p + "edulevel", "must be 0, 1 or 2");
        }
        JsonNode anonymous = body.get("anonymous");
        if (anonymous != null && !anonymous.isNull() && !anonymous.isBoolean()
                && !(anonymous.isIntegralNumber() && (anonymous.intValue() == 0 || anonymous.intValue() == 1))) {
            errors.add(p + "anonymous", "must be 0 or 1");
        }
        JsonNode record = body.get("record");
        if (record != null && !record.isNull() && !record.isObject() && !(record.isBoolean() && !record.booleanValue())) {
            errors.add(p + "record", "must be an object, false or null");
        }
        long occurredAt;
        JsonNode tc = body.get("timecreated");
        if (tc == null || tc.isNull()) {
            long now = System.currentTimeMillis();
            body.put("timecreated", now / 1000);
            occurredAt = now;
        } else if (tc.isIntegralNumber() && tc.canConvertToLong() && tc.longValue() >= 0 && tc.longValue() < 100_000_000_000L) {
            occurredAt = tc.longValue() * 1000;
        } else {
            errors.add(p + "timecreated", "must be a Unix time in seconds");
            occurredAt = 0;
        }
        String id = clientId(body, p, errors);
        String source = text(body, "source", p, errors, MAX_NAME, false);
        if (errors.list().size() > before || eventname == null) return null;
        deriveNames(body, eventname);
        if (id == null) id = "moodle-" + moodleHash(body);
        if (source == null) source = defaultSource;
        return new Event(id, Event.Kind.MOODLE, eventname, source, idText(body.get("courseid")),
                idText(body.get("userid")), occurredAt, body);
    }

    private static Event generic(ObjectNode body, String p, FieldErrors errors) {
        int before = errors.list().size();
        String type = text(body, "type", p, errors, MAX_NAME, true);
        String id = clientId(body, p, errors);
        // Null is no id: stored as is, it would fail the database's NOT NULL and look like an outage (503).
        JsonNode given = body.get("id");
        if (id == null && (given == null || given.isNull())) {
            errors.add(p + "id", "is required for a generic event (it makes re-sending safe)");
        }
        String source = text(body, "source", p, errors, MAX_NAME, false);
        long occurredAt = System.currentTimeMillis();
        JsonNode time = body.get("time");
        if (time == null || time.isNull()) {
            body.put("time", Instant.ofEpochMilli(occurredAt).toString());
        } else if (!time.isTextual()) {
            errors.add(p + "time", "must be an RFC 3339 time string");
        } else {
            Long at = Times.epochMillisOrNull(time.textValue());
            if (at == null) errors.add(p + "time", Times.EXPECTED);
            else occurredAt = at;
        }
        if (!body.has("data")) body.putObject("data");
        if (errors.list().size() > before || type == null) return null;
        JsonNode data = body.get("data");
        String course = firstText(data, "course_id", "courseid", "course.id", "course.course_key");
        String user = firstText(data, "user_id", "userid", "user.id");
        return new Event(id, Event.Kind.GENERIC, type, source, course, user, occurredAt, body);
    }

    /** Moodle's event names are {@code \component\event\target_action}; fills what the client left out. */
    private static void deriveNames(ObjectNode body, String eventname) {
        String[] parts = eventname.substring(1).split("\\\\");
        if (!body.has("component") && parts.length > 0) body.put("component", parts[0]);
        String cls = parts[parts.length - 1];
        int cut = cls.lastIndexOf('_');
        if (!body.has("action") && cut > 0) body.put("action", cls.substring(cut + 1));
        if (!body.has("target") && cut > 0) body.put("target", cls.substring(0, cut));
    }

    private static String clientId(ObjectNode body, String p, FieldErrors errors) {
        JsonNode id = body.get("id");
        if (id == null || id.isNull()) return null;
        if (!id.isIntegralNumber() && (!id.isTextual() || id.textValue().isBlank())) {
            errors.add(p + "id", "must be a non-empty string");
            return null;
        }
        String text = id.asText();
        if (text.length() > MAX_ID) {
            errors.add(p + "id", "must be at most " + MAX_ID + " characters");
            return null;
        }
        return text;
    }

    private static String text(ObjectNode body, String field, String p, FieldErrors errors, int max, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) errors.add(p + field, "is required");
            return null;
        }
        if (!v.isTextual()) {
            errors.add(p + field, "must be a string");
            return null;
        }
        if (v.textValue().length() > max) {
            errors.add(p + field, "must be at most " + max + " characters");
            return null;
        }
        if (required && v.textValue().isBlank()) {
            errors.add(p + field, "must not be empty");
            return null;
        }
        return v.textValue();
    }

    private static String idText(JsonNode v) {
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String firstText(JsonNode data, String... paths) {
        for (String path : paths) {
            JsonNode v = JsonPaths.get(data, path);
            if (v != null && (v.isTextual() || v.isNumber())) return v.asText();
        }
        return null;
    }

    /** The id Herald gives a Moodle event sent without one; rendering recomputes it from the stored document. */
    public static String moodleId(ObjectNode body) {
        JsonNode id = body.get("id");
        if (id != null && (id.isTextual() || id.isIntegralNumber())) return id.asText();
        return "moodle-" + moodleHash(body);
    }

    /** A stable id for a Moodle event the client sent without one: the hash of its Moodle fields. */
    private static String moodleHash(ObjectNode body) {
        StringBuilder canonical = new StringBuilder();
        for (String f : Event.MOODLE_FIELDS) {
            JsonNode v = body.get(f);
            canonical.append(f).append('=').append(v == null ? "null" : Json.write(v)).append('\n');
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
