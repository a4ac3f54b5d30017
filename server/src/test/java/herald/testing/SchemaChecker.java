package herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validator of the JSON Schema 2020-12 keywords this document uses (OpenAPI 3.1's schemas are
 * JSON Schema 2020-12): {@code $ref} into the document, {@code type}, {@code enum}, {@code const},
 * object, array, string and number constraints, {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not},
 * and the {@code date-time} and {@code uri} formats. Any other keyword is an error, not a pass.
 */
public final class SchemaChecker {
    static final Set<String> ASSERTIONS = Set.of("$ref", "type", "enum", "const", "properties", "required",
            "additionalProperties", "minProperties", "maxProperties", "items", "minItems", "maxItems", "uniqueItems",
            "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf", "allOf", "anyOf", "oneOf", "not");
    static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "example", "readOnly",
            "writeOnly", "deprecated", "$comment");
    static final Set<String> FORMATS = Set.of("date-time", "uri");

    private final JsonNode root;
    private final Map<String, Pattern> patterns = new HashMap<>();

    public SchemaChecker(JsonNode root) {
        this.root = root;
    }

    /** Why {@code value} does not validate against {@code schema}; empty when it does. */
    public List<String> errors(JsonNode schema, JsonNode value) {
        List<String> out = new ArrayList<>();
        check(schema, value, "$", out, 0);
        return out;
    }

    /** The keywords of {@code schema} (itself, not its subschemas) that this checker does not know. */
    public List<String> unknownKeywords(JsonNode schema) {
        List<String> out = new ArrayList<>();
        schema.fieldNames().forEachRemaining(k -> {
            if (!ASSERTIONS.contains(k) && !ANNOTATIONS.contains(k) && !k.startsWith("x-")) out.add("unknown keyword '" + k + "'");
        });
        if (schema.has("format") && !FORMATS.contains(schema.get("format").asText())) {
            out.add("unknown format '" + schema.get("format").asText() + "'");
        }
        return out;
    }

    private void check(JsonNode schema, JsonNode v, String at, List<String> out, int depth) {
        if (depth > 100) {
            out.add(at + ": schemas nest too deep (a $ref cycle?)");
            return;
        }
        if (schema == null || schema.isMissingNode()) {
            out.add(at + ": no schema");
            return;
        }
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) out.add(at + ": nothing is allowed here");
            return;
        }
        if (!schema.isObject()) {
            out.add(at + ": the schema is not an object: " + schema);
            return;
        }
        for (String unknown : unknownKeywords(schema)) out.add(at + ": " + unknown);
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            JsonNode target = ref.startsWith("#") ? root.at(ref.substring(1)) : Json.MAPPER.missingNode();
            if (target.isMissingNode()) out.add(at + ": cannot resolve " + ref);
            else check(target, v, at, out, depth + 1);
        }
        if (schema.has("type") && !typeMatches(schema.get("type"), v)) {
            out.add(at + ": " + describe(v) + " is not of type " + schema.get("type"));
            return; // the other keywords would only repeat it
        }
        if (schema.has("const") && !same(schema.get("const"), v)) out.add(at + ": must be " + schema.get("const") + ", is " + v);
        if (schema.has("enum")) {
            boolean any = false;
            for (JsonNode e : schema.get("enum")) any |= same(e, v);
            if (!any) out.add(at + ": " + v + " is not one of " + schema.get("enum"));
        }
        if (v.isObject()) checkObject(schema, v, at, out, depth);
        if (v.isArray()) checkArray(schema, v, at, out, depth);
        if (v.isTextual()) checkString(schema, v.textValue(), at, out);
        if (v.isNumber()) checkNumber(schema, v.decimalValue(), at, out);
        for (JsonNode s : schema.path("allOf")) check(s, v, at, out, depth + 1);
        if (schema.has("anyOf")) {
            List<List<String>> branches = branches(schema.get("anyOf"), v, at, depth);
            if (branches.stream().noneMatch(List::isEmpty)) {
                out.add(at + ": matches none of anyOf: " + branchErrors(branches));
            }
        }
        if (schema.has("oneOf")) {
            List<List<String>> branches = branches(schema.get("oneOf"), v, at, depth);
            long matching = branches.stream().filter(List::isEmpty).count();
            if (matching == 0) out.add(at + ": matches none of oneOf: " + branchErrors(branches));
            else if (matching > 1) out.add(at + ": matches " + matching + " branches of oneOf, must match one");
        }
        if (schema.has("not")) {
            List<String> errs = new ArrayList<>();
            check(schema.get("not"), v, at, errs, depth + 1);
            if (errs.isEmpty()) out.add(at + ": must not match " + schema.get("not"));
        }
    }

    private List<List<String>> branches(JsonNode schemas, JsonNode v, String at, int depth) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode s : schemas) {
            List<String> errs = new ArrayList<>();
            check(s, v, at, errs, depth + 1);
            out.add(errs);
        }
        return out;
    }

    private static String branchErrors(List<List<String>> branches) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < branches.size(); i++) {
            List<String> errs = branches.get(i);
            sb.append("\n      [").append(i).append("] ").append(String.join("; ", errs.subList(0, Math.min(3, errs.size()))));
        }
        return sb.toString();
    }

    private void checkObject(JsonNode schema, JsonNode v, String at, List<String> out, int depth) {
        for (JsonNode r : schema.path("required")) {
            if (!v.has(r.asText())) out.add(at + ": lacks the required '" + r.asText() + "'");
        }
        JsonNode props = schema.path("properties");
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            var e = it.next();
            String child = at + "." + e.getKey();
            if (props.has(e.getKey())) {
                check(props.get(e.getKey()), e.getValue(), child, out, depth + 1);
            } else if (schema.has("additionalProperties")) {
                JsonNode extra = schema.get("additionalProperties");
                if (extra.isBoolean() && !extra.booleanValue()) out.add(child + ": is not an allowed property");
                else check(extra, e.getValue(), child, out, depth + 1);
            }
        }
        if (schema.has("minProperties") && v.size() < schema.get("minProperties").asInt()) out.add(at + ": too few properties");
        if (schema.has("maxProperties") && v.size() > schema.get("maxProperties").asInt()) out.add(at + ": too many properties");
    }

    private void checkArray(JsonNode schema, JsonNode v, String at, List<String> out, int depth) {
        if (schema.has("items")) {
            for (int i = 0; i < v.size(); i++) check(schema.get("items"), v.get(i), at + "[" + i + "]", out, depth + 1);
        }
        if (schema.has("minItems") && v.size() < schema.get("minItems").asInt()) out.add(at + ": fewer than " + schema.get("minItems") + " items");
        if (schema.has("maxItems") && v.size() > schema.get("maxItems").asInt()) out.add(at + ": more than " + schema.get("maxItems") + " items");
        if (schema.path("uniqueItems").asBoolean(false)) {
            for (int i = 0; i < v.size(); i++) {
                for (int j = i + 1; j < v.size(); j++) if (same(v.get(i), v.get(j))) out.add(at + ": items " + i + " and " + j + " are equal");
            }
        }
    }

    private void checkString(JsonNode schema, String s, String at, List<String> out) {
        int length = s.codePointCount(0, s.length());
        if (schema.has("minLength") && length < schema.get("minLength").asInt()) out.add(at + ": shorter than " + schema.get("minLength"));
        if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) out.add(at + ": longer than " + schema.get("maxLength"));
        if (schema.has("pattern")) {
            String p = schema.get("pattern").asText();
            if (!patterns.computeIfAbsent(p, Pattern::compile).matcher(s).find()) out.add(at + ": '" + s + "' does not match " + p);
        }
        if (schema.has("format")) {
            String format = schema.get("format").asText();
            if (format.equals("date-time")) {
                try {
                    OffsetDateTime.parse(s);
                } catch (DateTimeParseException e) {
                    out.add(at + ": '" + s + "' is not an RFC 3339 date-time");
                }
            } else if (format.equals("uri")) {
                try {
                    if (!new URI(s).isAbsolute()) out.add(at + ": '" + s + "' is not an absolute URI");
                } catch (URISyntaxException e) {
                    out.add(at + ": '" + s + "' is not a URI");
                }
            }
        }
    }

    private static void checkNumber(JsonNode schema, BigDecimal n, String at, List<String> out) {
        if (schema.has("minimum") && n.compareTo(schema.get("minimum").decimalValue()) < 0) out.add(at + ": " + n + " is below " + schema.get("minimum"));
        if (schema.has("maximum") && n.compareTo(schema.get("maximum").decimalValue()) > 0) out.add(at + ": " + n + " is above " + schema.get("maximum"));
        if (schema.has("exclusiveMinimum") && n.compareTo(schema.get("exclusiveMinimum").decimalValue()) <= 0) out.add(at + ": " + n + " is not above " + schema.get("exclusiveMinimum"));
        if (schema.has("exclusiveMaximum") && n.compareTo(schema.get("exclusiveMaximum").decimalValue()) >= 0) out.add(at + ": " + n + " is not below " + schema.get("exclusiveMaximum"));
        if (schema.has("multipleOf") && n.remainder(schema.get("multipleOf").decimalValue()).signum() != 0) out.add(at + ": " + n + " is not a multiple of " + schema.get("multipleOf"));
    }

    private static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) if (typeMatches(t, v)) return true;
            return false;
        }
        return switch (type.asText()) {
            case "null" -> v.isNull();
            case "boolean" -> v.isBoolean();
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
            default -> false;
        };
    }

    /** JSON equality, numbers by value (1 equals 1.0). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) return false;
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            for (String n : names) if (!b.has(n) || !same(a.get(n), b.get(n))) return false;
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
            return true;
        }
        return a.equals(b);
    }

    private static String describe(JsonNode v) {
        String kind = v.isNull() ? "null" : v.isBoolean() ? "a boolean" : v.isObject() ? "an object" : v.isArray() ? "an array"
                : v.isTextual() ? "the string '" + v.textValue() + "'" : v.isNumber() ? "the number " + v : v.getNodeType().toString();
        return kind.length() > 120 ? kind.substring(0, 120) + "…" : kind;
    }
}
