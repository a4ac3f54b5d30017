package herald.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.problem.FieldError;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTML forms as the API's JSON documents, so that a page calls the same use case as the REST API
 * and shows the API's own errors beside the fields. A field's name is its JSON path
 * ({@code auth.type}), optionally followed by a type: {@code :int}, {@code :num}, {@code :bool}
 * (the last value wins, so a hidden "false" before a checkbox gives false when it is unticked),
 * {@code :json} (JSON text), {@code :lines} ("Name: value" per line, an object), {@code :list}
 * (one value per line or comma, an array), {@code :opt} (text; empty is JSON null). Empty numbers
 * are left out. Names starting with '_' ({@code _csrf}) are not part of the document.
 */
final class Forms {
    private Forms() {}

    static ObjectNode toJson(Map<String, List<String>> params, FieldErrors errors) {
        ObjectNode doc = Json.object();
        for (var e : params.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("_") || e.getValue().isEmpty()) continue;
            String value = e.getValue().getLast();
            int colon = name.indexOf(':');
            String path = colon < 0 ? name : name.substring(0, colon);
            String type = colon < 0 ? "" : name.substring(colon + 1);
            JsonNode v = value(path, type, value.strip(), value, errors);
            if (v != null) set(doc, path, v);
        }
        return doc;
    }

    private static JsonNode value(String path, String type, String trimmed, String raw, FieldErrors errors) {
        var f = Json.MAPPER.getNodeFactory();
        switch (type) {
            case "int" -> {
                if (trimmed.isEmpty()) return null;
                try {
                    return f.numberNode(Long.parseLong(trimmed));
                } catch (NumberFormatException ex) {
                    errors.add(path, "must be a whole number");
                    return null;
                }
            }
            case "num" -> {
                if (trimmed.isEmpty()) return null;
                try {
                    return f.numberNode(new java.math.BigDecimal(trimmed));
                } catch (NumberFormatException ex) {
                    errors.add(path, "must be a number");
                    return null;
                }
            }
            case "optnum" -> {
                if (trimmed.isEmpty()) return f.nullNode();
                try {
                    return f.numberNode(new java.math.BigDecimal(trimmed));
                } catch (NumberFormatException ex) {
                    errors.add(path, "must be a number, or empty for none");
                    return null;
                }
            }
            case "bool" -> {
                return f.booleanNode(trimmed.equals("true") || trimmed.equals("on"));
            }
            case "json" -> {
                if (trimmed.isEmpty()) return null;
                try {
                    return Json.read(trimmed);
                } catch (IllegalArgumentException ex) {
                    errors.add(path, "is not valid JSON: " + ex.getMessage());
                    return null;
                }
            }
            case "lines" -> {
                ObjectNode o = Json.object();
                for (String line : trimmed.split("\r?\n")) {
                    if (line.isBlank()) continue;
                    int at = line.indexOf(':');
                    if (at <= 0) {
                        errors.add(path, "write one 'Name: value' per line");
                        return null;
                    }
                    o.put(line.substring(0, at).strip(), line.substring(at + 1).strip());
                }
                return o;
            }
            case "list" -> {
                ArrayNode a = Json.MAPPER.createArrayNode();
                for (String item : trimmed.split("[\r\n,]+")) {
                    if (!item.isBlank()) a.add(item.strip());
                }
                return a;
            }
            case "opt" -> {
                return trimmed.isEmpty() ? f.nullNode() : f.textNode(raw);
            }
            default -> {
                return f.textNode(raw.indexOf('\n') >= 0 ? raw : trimmed); // multi-line text (a template, a PEM) as typed
            }
        }
    }

    private static void set(ObjectNode doc, String path, JsonNode v) {
        String[] parts = path.split("\\.");
        ObjectNode at = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = at.get(parts[i]);
            at = next instanceof ObjectNode o ? o : at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], v);
    }

    /**
     * Answers a form the use cases refused, before its editor is shown again: a missing record
     * being edited goes on to the not-found page; a conflict (a name taken) is 409, the rest 400.
     */
    static void refused(io.javalin.http.Context ctx, Problem e, String id) {
        if (e.kind() == Problem.Kind.NOT_FOUND && id != null) throw e;
        ctx.status(e.kind() == Problem.Kind.CONFLICT ? 409 : 400);
    }

    /**
     * A problem's field errors placed on the form's fields: each on the field its path names, or on
     * the nearest enclosing one ({@code headers.X-Foo} on {@code headers}); those that fit no
     * field are listed under "" for the top of the form.
     */
    static Map<String, String> placed(Problem p, List<String> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        List<FieldError> errors = p.errors().isEmpty() ? List.of(new FieldError("", p.getMessage())) : p.errors();
        for (FieldError fe : errors) {
            String target = fe.field();
            while (!target.isEmpty() && !fields.contains(target)) {
                int cut = Math.max(target.lastIndexOf('.'), target.lastIndexOf('['));
                target = cut < 0 ? "" : target.substring(0, cut);
            }
            String message = target.equals(fe.field()) || target.isEmpty() ? fe.message() : fe.field() + ": " + fe.message();
            if (target.isEmpty()) message = (fe.field().isEmpty() ? "" : fe.field() + ": ") + fe.message();
            if (fe.line() != null) message += " (line " + fe.line() + ", column " + fe.column() + ")";
            out.merge(target, message, (a, b) -> a + "; " + b);
        }
        return out;
    }
}
