package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON the way PHP's {@code json_encode} does with its default flags, so that receivers that
 * compare bytes (or verify a signature over them) see what the Moodle plugins sent: {@code /} as
 * {@code \/}, every non-ASCII character as a lowercase {@code \}{@code uXXXX} escape (UTF-16 pairs for
 * characters beyond the BMP), floats in PHP's shortest form ({@code 58.25}, {@code 64},
 * {@code 1.0e+25}).
 */
public final class PhpJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PhpJson() {}

    public static String write(JsonNode value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    static void write(JsonNode v, StringBuilder out) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            out.append("null");
        } else if (v.isBoolean()) {
            out.append(v.booleanValue());
        } else if (v.isIntegralNumber()) {
            out.append(v.asText());
        } else if (v.isNumber()) {
            out.append(phpFloat(v.doubleValue()));
        } else if (v.isTextual()) {
            string(v.textValue(), out);
        } else if (v.isArray()) {
            out.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) out.append(',');
                write(v.get(i), out);
            }
            out.append(']');
        } else {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) out.append(',');
                first = false;
                string(e.getKey(), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        }
    }

    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e && c != 0x7f) {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * A double as json_encode writes it ({@code serialize_precision = -1}): the shortest digits that
     * read back the same, fixed notation while the decimal exponent is between -4 and 17
     * ({@code 10}, {@code 0.0001}, {@code 58.25}), otherwise {@code 1.0e+25}.
     */
    public static String phpFloat(double d) {
        return phpFloat(d, 'e');
    }

    /** As {@link #phpFloat(double)}, with PHP's string conversion's {@code E} where it differs ({@code 1.0E+25}). */
    static String phpFloat(double d, char exponent) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "0"; // json_encode fails on these; never produced from JSON input
        if (d == 0) return (1 / d < 0) ? "-0" : "0";
        BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale(); // position of the decimal point relative to the digits
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (decpt < -3 || decpt > 17) {
            out.append(digits.charAt(0)).append('.');
            out.append(digits.length() > 1 ? digits.substring(1) : "0");
            int exp = decpt - 1;
            out.append(exponent).append(exp < 0 ? '-' : '+').append(Math.abs(exp));
        } else if (decpt <= 0) {
            out.append("0.").append("0".repeat(-decpt)).append(digits);
        } else if (decpt >= digits.length()) {
            out.append(digits).append("0".repeat(decpt - digits.length()));
        } else {
            out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return out.toString();
    }
}
