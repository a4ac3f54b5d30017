package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/** PHP's {@code JSON_NUMERIC_CHECK}: strings PHP calls numeric are written as numbers. */
final class PhpNumbers {
    // is_numeric(): optional surrounding whitespace, a sign, digits with an optional fraction, an optional exponent
    private static final Pattern NUMERIC = Pattern.compile(
            "[ \\t\\n\\r\\x0B\\f]*[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?[ \\t\\n\\r\\x0B\\f]*");
    private static final Pattern INTEGER = Pattern.compile("[ \\t\\n\\r\\x0B\\f]*[+-]?\\d+[ \\t\\n\\r\\x0B\\f]*");

    private PhpNumbers() {}

    /** A copy of {@code v} with every numeric string turned into an int (when it fits) or a float. */
    static JsonNode numericCheck(JsonNode v) {
        if (v.isTextual()) {
            String s = v.textValue();
            if (s.length() > 400 || !NUMERIC.matcher(s).matches()) return v;
            String t = s.strip();
            if (INTEGER.matcher(s).matches()) {
                try {
                    return LongNode.valueOf(Long.parseLong(t.startsWith("+") ? t.substring(1) : t));
                } catch (NumberFormatException overflow) {
                    // PHP falls back to a float, as below
                }
            }
            double d = Double.parseDouble(t);
            return Double.isInfinite(d) ? v : DoubleNode.valueOf(d);
        }
        if (v.isArray()) {
            ArrayNode out = ((ArrayNode) v).arrayNode(v.size());
            v.forEach(item -> out.add(numericCheck(item)));
            return out;
        }
        if (v.isObject()) {
            ObjectNode out = ((ObjectNode) v).objectNode();
            v.properties().forEach(e -> out.set(e.getKey(), numericCheck(e.getValue())));
            return out;
        }
        return v;
    }
}
