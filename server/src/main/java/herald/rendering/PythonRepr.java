package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/** Values as Python's {@code str()} writes them, which is what Open edX puts in its form bodies. */
final class PythonRepr {
    private PythonRepr() {}

    static String of(JsonNode v) {
        StringBuilder out = new StringBuilder();
        write(v, out, false);
        return out.toString();
    }

    /** {@code quoted}: inside a list or dict, where strings appear as their repr ({@code 'a'}). */
    private static void write(JsonNode v, StringBuilder out, boolean quoted) {
        if (v == null || v.isNull()) {
            out.append("None");
        } else if (v.isBoolean()) {
            out.append(v.booleanValue() ? "True" : "False");
        } else if (v.isIntegralNumber()) {
            out.append(v.asText());
        } else if (v.isNumber()) {
            out.append(pyFloat(v.doubleValue()));
        } else if (v.isTextual()) {
            if (quoted) repr(v.textValue(), out); else out.append(v.textValue());
        } else if (v.isArray()) {
            out.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) out.append(", ");
                write(v.get(i), out, true);
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            for (var e : v.properties()) {
                if (!first) out.append(", ");
                first = false;
                repr(e.getKey(), out);
                out.append(": ");
                write(e.getValue(), out, true);
            }
            out.append('}');
        }
    }

    /** Python's float repr: shortest digits; fixed notation for 1e-4 <= |x| < 1e16, else {@code 1e+16}, {@code 1.5e-05}. */
    static String pyFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int exp = digits.length() - shortest.scale() - 1;
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exp < -4 || exp >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
            out.append('e').append(exp < 0 ? '-' : '+');
            if (Math.abs(exp) < 10) out.append('0');
            out.append(Math.abs(exp));
        } else if (exp < 0) {
            out.append("0.").append("0".repeat(-exp - 1)).append(digits);
        } else if (exp + 1 >= digits.length()) {
            out.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
        } else {
            out.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
        }
        return out.toString();
    }

    /** Python's str repr: single quotes unless the text holds one and no double quote. */
    private static void repr(String s, StringBuilder out) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') out.append('\\').append(c);
            else if (c == '\n') out.append("\\n");
            else if (c == '\r') out.append("\\r");
            else if (c == '\t') out.append("\\t");
            else if (c < 0x20 || c >= 0x7f && c < 0xa0) out.append(String.format("\\x%02x", (int) c));
            else out.append(c);
        }
        out.append(q);
    }
}
