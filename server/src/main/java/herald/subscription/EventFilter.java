package herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.json.JsonPaths;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A condition on an event's fields: {@code {"all": [...], "any": [...]}} where each condition is
 * {@code {"path": "other.enrol", "equals": v}}, {@code {"path", "in": [v...]}} or
 * {@code {"path", "exists": true|false}}. Numbers and numeric strings compare as numbers, because
 * Moodle writes the same id as {@code 5} in one event and {@code "5"} in another.
 */
public record EventFilter(List<Condition> all, List<Condition> any) {
    public static final EventFilter NONE = new EventFilter(List.of(), List.of());

    public record Condition(String path, String op, JsonNode value) {
        boolean test(JsonNode doc) {
            JsonNode v = JsonPaths.get(doc, path);
            return switch (op) {
                case "exists" -> (v != null && !v.isNull()) == value.booleanValue();
                case "equals" -> same(v, value);
                case "in" -> {
                    for (JsonNode candidate : value) if (same(v, candidate)) yield true;
                    yield false;
                }
                default -> false;
            };
        }
    }

    public boolean matches(JsonNode doc) {
        for (Condition c : all) if (!c.test(doc)) return false;
        if (any.isEmpty()) return true;
        for (Condition c : any) if (c.test(doc)) return true;
        return false;
    }

    static boolean same(JsonNode actual, JsonNode expected) {
        if (actual == null || actual.isNull()) return expected.isNull();
        BigDecimal a = number(actual), e = number(expected);
        if (a != null && e != null) return a.compareTo(e) == 0;
        if (actual.isValueNode() && expected.isValueNode()) return actual.asText().equals(expected.asText()) && actual.isBoolean() == expected.isBoolean();
        return actual.equals(expected);
    }

    private static BigDecimal number(JsonNode n) {
        if (n.isNumber()) return n.decimalValue();
        if (n.isTextual() && n.textValue().matches("-?\\d{1,30}(\\.\\d{1,30})?")) return new BigDecimal(n.textValue());
        return null;
    }

    public static EventFilter parse(JsonFields f) {
        if (f == null) return NONE;
        f.rejectUnknown("all", "any");
        return new EventFilter(conditions(f, "all"), conditions(f, "any"));
    }

    private static List<Condition> conditions(JsonFields f, String field) {
        ArrayNode arr = f.array(field, 50);
        List<Condition> out = new ArrayList<>();
        if (arr == null) return out;
        for (int i = 0; i < arr.size(); i++) {
            String at = f.path(field) + "[" + i + "]";
            JsonFields c = JsonFields.of(arr.get(i), at, f.errors());
            c.rejectUnknown("path", "equals", "in", "exists");
            String path = c.string("path", true, 200, null);
            int ops = (c.raw("equals") != null ? 1 : 0) + (c.raw("in") != null ? 1 : 0) + (c.raw("exists") != null ? 1 : 0);
            if (ops != 1) {
                f.errors().add(at, "needs exactly one of equals, in, exists");
                continue;
            }
            if (c.raw("equals") != null) {
                if (!c.raw("equals").isValueNode()) f.errors().add(c.path("equals"), "must be a string, number, boolean or null");
                out.add(new Condition(path, "equals", c.raw("equals")));
            } else if (c.raw("in") != null) {
                ArrayNode values = c.array("in", 1000);
                if (values != null) out.add(new Condition(path, "in", values));
            } else {
                if (!c.raw("exists").isBoolean()) f.errors().add(c.path("exists"), "must be true or false");
                out.add(new Condition(path, "exists", c.raw("exists")));
            }
        }
        return out;
    }

    public JsonNode toJson() {
        var o = herald.json.Json.object();
        write(o.putArray("all"), all);
        write(o.putArray("any"), any);
        return o;
    }

    private static void write(ArrayNode arr, List<Condition> conditions) {
        for (Condition c : conditions) {
            var n = arr.addObject();
            n.put("path", c.path());
            n.set(c.op(), c.value());
        }
    }
}
