package herald.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.problem.FieldErrors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, validating reads of one JSON object. Every problem is added to a shared {@link FieldErrors}
 * under the field's dotted path (e.g. {@code auth.type}), so callers validate a whole document and
 * report all errors at once.
 */
public final class JsonFields {
    private final ObjectNode node;
    private final String prefix;
    private final FieldErrors errors;

    public JsonFields(ObjectNode node, String prefix, FieldErrors errors) {
        this.node = node;
        this.prefix = prefix;
        this.errors = errors;
    }

    public static JsonFields of(JsonNode node, String name, FieldErrors errors) {
        if (node == null || !node.isObject()) {
            errors.add(name.isEmpty() ? "body" : name, "must be a JSON object");
            return new JsonFields(Json.object(), name, errors);
        }
        return new JsonFields((ObjectNode) node, name, errors);
    }

    /** The dotted path of this object itself, as its errors are filed ("" for the whole body). */
    public String name() {
        return prefix;
    }

    public boolean isEmpty() {
        return node.isEmpty();
    }

    public String path(String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    public FieldErrors errors() {
        return errors;
    }

    public boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    public JsonNode raw(String field) {
        return node.get(field);
    }

    public void rejectUnknown(String... known) {
        Set<String> allowed = Set.of(known);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) errors.add(path(n), "unknown field");
        }
    }

    public String string(String field, boolean required, int maxLength, String fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) errors.add(path(field), "is required");
            return fallback;
        }
        if (!v.isTextual()) {
            errors.add(path(field), "must be a string");
            return fallback;
        }
        String s = v.textValue();
        if (required && s.isBlank()) errors.add(path(field), "must not be empty");
        if (s.length() > maxLength) errors.add(path(field), "must be at most " + maxLength + " characters");
        return s;
    }

    public String oneOf(String field, String fallback, String... allowed) {
        String s = string(field, fallback == null, 64, fallback);
        if (s != null && !Arrays.asList(allowed).contains(s)) {
            errors.add(path(field), "must be one of " + String.join(", ", allowed) + ", was '" + s + "'");
            return fallback;
        }
        return s;
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isBoolean()) {
            errors.add(path(field), "must be true or false");
            return fallback;
        }
        return v.booleanValue();
    }

    /** A whole number in range; {@code fallback} may be null for an optional field. */
    public Integer integer(String field, long min, long max, Integer fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            errors.add(path(field), "must be a whole number");
            return fallback;
        }
        long n = v.longValue();
        if (n < min || n > max) {
            errors.add(path(field), "must be between " + min + " and " + max);
            return fallback;
        }
        return (int) n;
    }

    public Double number(String field, double min, double max, Double fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) {
            errors.add(path(field), "must be a number");
            return fallback;
        }
        double n = v.doubleValue();
        if (n < min || n > max) {
            errors.add(path(field), "must be between " + min + " and " + max);
            return fallback;
        }
        return n;
    }

    /** A nested object, or null when absent; a non-object value is an error. */
    public JsonFields object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) {
            errors.add(path(field), "must be a JSON object");
            return null;
        }
        return new JsonFields((ObjectNode) v, path(field), errors);
    }

    public ArrayNode array(String field, int maxItems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) {
            errors.add(path(field), "must be an array");
            return null;
        }
        if (v.size() > maxItems) errors.add(path(field), "must have at most " + maxItems + " items");
        return (ArrayNode) v;
    }

    public List<String> strings(String field, int maxItems, int maxLength) {
        ArrayNode a = array(field, maxItems);
        if (a == null) return null;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode item = a.get(i);
            if (!item.isTextual() || item.textValue().isEmpty()) {
                errors.add(path(field) + "[" + i + "]", "must be a non-empty string");
            } else if (item.textValue().length() > maxLength) {
                errors.add(path(field) + "[" + i + "]", "must be at most " + maxLength + " characters");
            } else {
                out.add(item.textValue());
            }
        }
        return out;
    }

    /** A string-to-string map such as custom headers. */
    public Map<String, String> stringMap(String field, int maxEntries, int maxLength) {
        JsonFields o = object(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null) return out;
        if (o.node.size() > maxEntries) errors.add(path(field), "must have at most " + maxEntries + " entries");
        o.node.properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                errors.add(o.path(e.getKey()), "must be a string");
            } else if (e.getValue().textValue().length() > maxLength || e.getKey().length() > maxLength) {
                errors.add(o.path(e.getKey()), "must be at most " + maxLength + " characters");
            } else {
                out.put(e.getKey(), e.getValue().textValue());
            }
        });
        return out;
    }
}
