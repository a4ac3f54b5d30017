package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The PHP type each id field of a Moodle event has in {@code $event->get_data()}, which the log
 * table does not keep (it stores every id as {@code bigint}). Ids read from the database are
 * strings, literals and zeros are ints, and which is which depends on the code that triggered the
 * event; the table {@code moodle/get-data-types.json} records it per event class, read from a live
 * Moodle 4.3 and its trigger sites. A field's rule is the event class's own, else the first name
 * pattern's that names the field, else the default:
 * {@code "int"}, {@code "string"}, {@code "id"} (a string above 0, else an int),
 * {@code {"like_other": k, "else": rule}} (the type {@code other[k]} has),
 * {@code {"if_other": {k: [values]}, "then": rule, "else": rule}}.
 */
final class MoodleTypes {
    /** The fields whose type is restored; the others have one type always. */
    static final List<String> FIELDS = List.of("objectid", "contextid", "contextlevel", "contextinstanceid", "userid",
            "courseid", "relateduserid", "edulevel", "anonymous", "timecreated");

    private record PatternRule(Pattern match, JsonNode fields) {}

    private static final MoodleTypes TABLE = load();

    private final JsonNode defaults;
    private final List<PatternRule> patterns;
    private final JsonNode events;

    private MoodleTypes(JsonNode defaults, List<PatternRule> patterns, JsonNode events) {
        this.defaults = defaults;
        this.patterns = patterns;
        this.events = events;
    }

    static MoodleTypes table() {
        return TABLE;
    }

    private static MoodleTypes load() {
        try (InputStream in = MoodleTypes.class.getResourceAsStream("/moodle/get-data-types.json")) {
            if (in == null) throw new IllegalStateException("moodle/get-data-types.json is missing from the jar");
            JsonNode doc = Json.MAPPER.readTree(in);
            List<PatternRule> patterns = new ArrayList<>();
            for (JsonNode p : doc.get("patterns")) patterns.add(new PatternRule(Pattern.compile(p.get("match").asText()), p.get("fields")));
            return new MoodleTypes(doc.get("default"), List.copyOf(patterns), doc.get("events"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read moodle/get-data-types.json", e);
        }
    }

    /** Puts {@code value} into {@code body} as {@code field}, typed as {@code eventname}'s get_data() has it. */
    void put(ObjectNode body, String eventname, String field, Long value, JsonNode other) {
        if (value == null) {
            body.putNull(field);
            return;
        }
        if (asString(rule(eventname, field), value, other)) body.put(field, Long.toString(value));
        else body.put(field, value);
    }

    private JsonNode rule(String eventname, String field) {
        JsonNode own = events.path(eventname).get(field);
        if (own != null) return own;
        for (PatternRule p : patterns) {
            if (p.fields().has(field) && p.match().matcher(eventname).find()) return p.fields().get(field);
        }
        JsonNode d = defaults.get(field);
        return d == null ? Json.MAPPER.getNodeFactory().textNode("int") : d;
    }

    private static boolean asString(JsonNode rule, long value, JsonNode other) {
        if (rule.isTextual()) {
            return switch (rule.textValue()) {
                case "string" -> true;
                case "id" -> value > 0;
                default -> false;
            };
        }
        if (rule.has("like_other")) {
            JsonNode v = other != null && other.isObject() ? other.get(rule.get("like_other").asText()) : null;
            if (v != null && v.isNumber()) return false;
            if (v != null && v.isTextual()) return true;
            return asString(rule.get("else"), value, other);
        }
        if (rule.has("if_other")) {
            boolean hit = false;
            for (Map.Entry<String, JsonNode> cond : rule.get("if_other").properties()) {
                JsonNode v = other != null && other.isObject() ? other.get(cond.getKey()) : null;
                if (v == null || !v.isValueNode()) continue;
                for (JsonNode candidate : cond.getValue()) if (candidate.asText().equals(v.asText())) hit = true;
            }
            return asString(rule.get(hit ? "then" : "else"), value, other);
        }
        return false;
    }
}
