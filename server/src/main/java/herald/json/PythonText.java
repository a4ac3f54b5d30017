package herald.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON values as a Python program prints them, and back: the openedx-webhooks plugin sends forms
 * whose values are Python's {@code str()} of each leaf ({@code True}, {@code None}, and lists as
 * their {@code repr}: {@code ['a', 'b']}), flattened with {@code _} between keys.
 */
public final class PythonText {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PythonText() {}

    /** Python's {@code str(value)} of a JSON value: strings as they are, everything else as {@link #repr}. */
    public static String str(JsonNode v) {
        return v != null && v.isTextual() ? v.textValue() : repr(v);
    }

    /** Python's {@code repr(value)}: {@code 'text'}, {@code True}, {@code None}, {@code 1.0}, {@code [1, 'a']}, {@code {'k': 1}}. */
    public static String repr(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return "None";
        if (v.isBoolean()) return v.booleanValue() ? "True" : "False";
        if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) return (long) d + ".0";
            return Double.toString(d).replace("E", "e");
        }
        if (v.isTextual()) return quote(v.textValue());
        StringBuilder b = new StringBuilder();
        if (v.isArray()) {
            b.append('[');
            for (int i = 0; i < v.size(); i++) b.append(i == 0 ? "" : ", ").append(repr(v.get(i)));
            return b.append(']').toString();
        }
        b.append('{');
        boolean first = true;
        for (var e : v.properties()) {
            b.append(first ? "" : ", ").append(quote(e.getKey())).append(": ").append(repr(e.getValue()));
            first = false;
        }
        return b.append('}').toString();
    }

    /** Python's string quoting: single quotes, unless the text holds one and no double quote. */
    static String quote(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(q);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c == q) b.append('\\').append(c);
                    else if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append(q).toString();
    }

    /**
     * The plugin's {@code flatten_dict}: nested objects joined with {@code _}, every other leaf as
     * {@code str()}; an empty object gives no field; a later key of the same name wins.
     */
    public static Map<String, String> flatten(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten(object, "", out);
        return out;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
        for (var e : node.properties()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "_" + e.getKey();
            if (e.getValue().isObject()) flatten(e.getValue(), key, out);
            else {
                out.remove(key); // Python's dict keeps the first position of a key; the plugin's dict(items) keeps the last value
                out.put(key, str(e.getValue()));
            }
        }
    }

    /**
     * A Python literal ({@code [1, 'a', None]}, {@code {'k': True}}) as JSON, or null when the text is
     * not one. Only literals: no names, no calls.
     */
    public static JsonNode parseLiteral(String text) {
        Parser p = new Parser(text);
        try {
            JsonNode v = p.value();
            p.skipSpace();
            return p.at == text.length() ? v : null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private static final class Parser {
        private final String s;
        private int at;
        private int depth;

        Parser(String s) {
            this.s = s;
        }

        JsonNode value() {
            skipSpace();
            char c = s.charAt(at);
            // As deep as a JSON body may nest: deeper text is no literal here (and no stack overflow).
            if ((c == '[' || c == '(' || c == '{') && ++depth > Json.MAX_DEPTH) throw new IllegalArgumentException("nested too deep");
            if (c == '[' || c == '(') return sequence(c == '[' ? ']' : ')');
            if (c == '{') return dict();
            if (c == '\'' || c == '"') return NODES.textNode(string(c));
            if (s.startsWith("True", at)) { at += 4; return NODES.booleanNode(true); }
            if (s.startsWith("False", at)) { at += 5; return NODES.booleanNode(false); }
            if (s.startsWith("None", at)) { at += 4; return NODES.nullNode(); }
            return number();
        }

        private ArrayNode sequence(char close) {
            ArrayNode a = NODES.arrayNode();
            at++;
            skipSpace();
            while (s.charAt(at) != close) {
                a.add(value());
                skipSpace();
                if (s.charAt(at) == ',') { at++; skipSpace(); }
                else if (s.charAt(at) != close) throw new IllegalArgumentException("expected , or " + close);
            }
            at++;
            depth--;
            return a;
        }

        private ObjectNode dict() {
            ObjectNode o = NODES.objectNode();
            at++;
            skipSpace();
            while (s.charAt(at) != '}') {
                JsonNode key = value();
                skipSpace();
                if (s.charAt(at++) != ':') throw new IllegalArgumentException("expected :");
                o.set(key.isTextual() ? key.textValue() : key.toString(), value());
                skipSpace();
                if (s.charAt(at) == ',') { at++; skipSpace(); }
                else if (s.charAt(at) != '}') throw new IllegalArgumentException("expected , or }");
            }
            at++;
            depth--;
            return o;
        }

        private String string(char q) {
            StringBuilder b = new StringBuilder();
            at++;
            while (s.charAt(at) != q) {
                char c = s.charAt(at++);
                if (c != '\\') { b.append(c); continue; }
                char e = s.charAt(at++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'x' -> { b.append((char) Integer.parseInt(s.substring(at, at + 2), 16)); at += 2; }
                    case 'u' -> { b.append((char) Integer.parseInt(s.substring(at, at + 4), 16)); at += 4; }
                    default -> b.append(e);
                }
            }
            at++;
            return b.toString();
        }

        private JsonNode number() {
            int start = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) at++;
            String n = s.substring(start, at);
            if (n.isEmpty()) throw new IllegalArgumentException("not a literal");
            return Json.read(n.startsWith("+") ? n.substring(1) : n); // as JSON reads the same number
        }

        void skipSpace() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) at++;
        }
    }
}
