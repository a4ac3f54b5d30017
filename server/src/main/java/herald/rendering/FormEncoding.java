package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code application/x-www-form-urlencoded} bodies (and GET query strings) from a JSON payload,
 * flattened in one of two styles:
 * <ul>
 * <li>{@code underscore}, Open edX's rule: nested keys joined with {@code _}, values as Python
 *     writes them ({@code True}, {@code None}, lists as {@code [1, 2]}); empty objects vanish and a
 *     later key wins a collision, keeping the first one's position (as a Python dict does);</li>
 * <li>{@code brackets}, what PHP's {@code parse_str} reads back into nested arrays:
 *     {@code user[name]=andres&user[active]=1&tags[]=a}. Lists of scalars use {@code []}, lists
 *     holding objects or lists use indexes; {@code true}/{@code false} are {@code 1}/{@code 0} and
 *     {@code null} an empty value (http_build_query would drop the key); empty objects and lists
 *     vanish, since a form cannot express them.</li>
 * </ul>
 */
public final class FormEncoding {
    public enum Style { UNDERSCORE, BRACKETS }

    private FormEncoding() {}

    /** The form fields of {@code payload}, in order. */
    public static List<Map.Entry<String, String>> fields(JsonNode payload, Style style) throws RenderException {
        if (payload == null || !payload.isObject()) {
            throw new RenderException("form encoding needs a JSON object as payload, got " + kind(payload));
        }
        if (style == Style.UNDERSCORE) {
            Map<String, String> flat = new LinkedHashMap<>();
            underscore("", payload, flat);
            return new ArrayList<>(flat.entrySet());
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        payload.properties().forEach(e -> brackets(e.getKey(), e.getValue(), out));
        return out;
    }

    /** How many values underscore flattening writes before collisions merge them: leaves other than empty objects. */
    static int underscoreLeaves(JsonNode v) {
        if (!v.isObject()) return 1;
        int n = 0;
        for (JsonNode child : v) n += underscoreLeaves(child);
        return n;
    }

    /** {@code a=1&b=2}, percent-encoded as PHP's urlencode does (space as {@code +}); brackets stay readable. */
    public static String encode(List<Map.Entry<String, String>> fields) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> f : fields) {
            if (!out.isEmpty()) out.append('&');
            escape(f.getKey(), out, true);
            out.append('=');
            escape(f.getValue(), out, false);
        }
        return out.toString();
    }

    private static void underscore(String prefix, JsonNode v, Map<String, String> out) {
        if (v.isObject()) {
            v.properties().forEach(e -> underscore(prefix.isEmpty() ? e.getKey() : prefix + "_" + e.getKey(), e.getValue(), out));
        } else if (v.isTextual()) {
            out.put(prefix, v.textValue());
        } else {
            out.put(prefix, PythonRepr.of(v));
        }
    }

    private static void brackets(String key, JsonNode v, List<Map.Entry<String, String>> out) {
        if (v.isObject()) {
            v.properties().forEach(e -> brackets(key + "[" + e.getKey() + "]", e.getValue(), out));
        } else if (v.isArray()) {
            boolean scalars = true;
            for (JsonNode item : v) scalars &= !item.isContainerNode();
            for (int i = 0; i < v.size(); i++) brackets(key + (scalars ? "[]" : "[" + i + "]"), v.get(i), out);
        } else if (v.isNull()) {
            out.add(Map.entry(key, ""));
        } else if (v.isBoolean()) {
            out.add(Map.entry(key, v.booleanValue() ? "1" : "0"));
        } else if (v.isNumber() && !v.isIntegralNumber()) {
            out.add(Map.entry(key, PhpJson.phpFloat(v.doubleValue(), 'E'))); // as PHP prints a float
        } else {
            out.add(Map.entry(key, v.asText()));
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static void escape(String s, StringBuilder out, boolean key) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
                    || key && (c == '[' || c == ']')) {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
    }

    private static String kind(JsonNode v) {
        return v == null || v.isNull() ? "null" : v.isArray() ? "a list" : v.isTextual() ? "a string" : "a " + v.getNodeType().name().toLowerCase();
    }
}
