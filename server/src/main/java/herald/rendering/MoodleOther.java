package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moodle's {@code other} as the plugins send it: decoded. A log row keeps it as text, either PHP
 * {@code serialize()} output (logstore {@code jsonformat} off) or JSON (on); an event read from the
 * log or sent by a script may therefore carry that text. Anything that is not one of those two
 * encodings is left as it is.
 */
public final class MoodleOther {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 64;

    private MoodleOther() {}

    public static JsonNode decode(JsonNode other) {
        if (other == null || !other.isTextual()) return other;
        String s = other.textValue();
        if (s.isEmpty()) return other;
        char c = s.charAt(0);
        if (c == '{' || c == '[' || s.equals("null")) {
            try {
                return Json.read(s);
            } catch (IllegalArgumentException notJson) {
                return other;
            }
        }
        if (s.length() >= 2 && "NbidsaO".indexOf(c) >= 0 && (s.charAt(1) == ':' || s.charAt(1) == ';')) {
            try {
                Unserializer u = new Unserializer(s.getBytes(StandardCharsets.UTF_8));
                JsonNode v = u.value(0);
                if (u.pos == u.in.length) return v;
            } catch (IllegalArgumentException | IndexOutOfBoundsException notSerialized) {
                // fall through: an ordinary string that happens to look like serialize() output
            }
        }
        return other;
    }

    /** The subset of PHP's serialize() format Moodle writes: N, b, i, d, s, a and O (as an object). */
    private static final class Unserializer {
        final byte[] in;
        int pos;

        Unserializer(byte[] in) {
            this.in = in;
        }

        JsonNode value(int depth) {
            if (depth > MAX_DEPTH) throw new IllegalArgumentException("too deep");
            char type = (char) in[pos];
            switch (type) {
                case 'N' -> {
                    expect("N;");
                    return NODES.nullNode();
                }
                case 'b' -> {
                    expect("b:");
                    String v = until(';');
                    return NODES.booleanNode(v.equals("1"));
                }
                case 'i' -> {
                    expect("i:");
                    return NODES.numberNode(Long.parseLong(until(';')));
                }
                case 'd' -> {
                    expect("d:");
                    String v = until(';');
                    if (v.equals("INF") || v.equals("-INF") || v.equals("NAN")) return NODES.textNode(v);
                    return NODES.numberNode(new BigDecimal(v));
                }
                case 's' -> {
                    expect("s:");
                    String v = quoted(Integer.parseInt(until(':')));
                    expect(";");
                    return NODES.textNode(v);
                }
                case 'a' -> {
                    expect("a:");
                    return array(Integer.parseInt(until(':')), depth);
                }
                case 'O' -> {
                    expect("O:");
                    quoted(Integer.parseInt(until(':'))); // the class name; Moodle only puts stdClass here
                    expect(":");
                    ObjectNode o = NODES.objectNode();
                    JsonNode members = array(Integer.parseInt(until(':')), depth);
                    if (members.isObject()) o.setAll((ObjectNode) members);
                    else for (int i = 0; i < members.size(); i++) o.set(Integer.toString(i), members.get(i));
                    return o;
                }
                default -> throw new IllegalArgumentException("unknown type " + type);
            }
        }

        /** {@code "..."} holding {@code len} bytes of UTF-8 (serialize() counts bytes, not characters). */
        private String quoted(int len) {
            if (len < 0 || in[pos] != '"' || in[pos + len + 1] != '"') throw new IllegalArgumentException("quote");
            String s = new String(in, pos + 1, len, StandardCharsets.UTF_8);
            pos += len + 2;
            return s;
        }

        /** {@code {key;value...}}: a list when the keys are 0..n-1 in order (as json_encode decides), else an object. */
        private JsonNode array(int n, int depth) {
            expect("{");
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonNode k = value(depth + 1);
                String key = k.asText();
                keys.add(key);
                entries.put(key, value(depth + 1));
            }
            expect("}");
            boolean list = true;
            for (int i = 0; i < keys.size() && list; i++) list = keys.get(i).equals(Integer.toString(i));
            if (list) {
                ArrayNode a = NODES.arrayNode();
                entries.values().forEach(a::add);
                return a;
            }
            ObjectNode o = NODES.objectNode();
            entries.forEach(o::set);
            return o;
        }

        private void expect(String token) {
            for (int i = 0; i < token.length(); i++) {
                if (in[pos + i] != token.charAt(i)) throw new IllegalArgumentException("expected " + token);
            }
            pos += token.length();
        }

        private String until(char end) {
            int start = pos;
            while (in[pos] != end) pos++;
            String s = new String(in, start, pos - start, StandardCharsets.US_ASCII);
            pos++;
            return s;
        }
    }
}
