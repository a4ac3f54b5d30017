package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * JSON written as XML elements, the way SOAP services built from a schema expect plain data: an
 * object's fields become elements of the same name, a list's items repeat an {@code item} element,
 * a value becomes text, null an empty element. Names XML does not allow are made valid ({@code _}
 * for each character it refuses; a leading digit gets a {@code _} before it).
 */
final class XmlWriter {
    /** Deeper nesting is written as its JSON text: no event needs more, and recursion stays bounded. */
    static final int MAX_DEPTH = 64;

    private XmlWriter() {}

    /** The elements for {@code value}'s fields (or items, or text) appended to {@code out}. */
    static void children(JsonNode value, StringBuilder out, int depth) {
        if (value == null || value.isNull() || value.isMissingNode()) return;
        if (depth >= MAX_DEPTH) {
            escape(value.toString(), out);
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> f : value.properties()) element(name(f.getKey()), f.getValue(), out, depth + 1);
        } else if (value.isArray()) {
            for (JsonNode item : value) element("item", item, out, depth + 1);
        } else {
            escape(value.asText(), out);
        }
    }

    private static void element(String name, JsonNode value, StringBuilder out, int depth) {
        if (value == null || value.isNull()) {
            out.append('<').append(name).append("/>");
            return;
        }
        out.append('<').append(name).append('>');
        children(value, out, depth);
        out.append("</").append(name).append('>');
    }

    /** A valid XML element name for a JSON key (no namespace prefix: a ':' becomes '_'). */
    static String name(String key) {
        if (key.isEmpty()) return "_";
        StringBuilder b = new StringBuilder(key.length() + 1);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean start = Character.isLetter(c) || c == '_';
            boolean ok = start || (i > 0 && (Character.isDigit(c) || c == '-' || c == '.'));
            if (i == 0 && !start && (Character.isDigit(c) || c == '-' || c == '.')) b.append('_').append(c);
            else b.append(ok ? c : '_');
        }
        String n = b.toString();
        return n.regionMatches(true, 0, "xml", 0, 3) ? "_" + n : n; // names starting with "xml" are reserved
    }

    /** {@code s} as XML text or attribute value: markup characters as entities, characters XML 1.0 cannot hold left out. */
    static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i)); // a pair: a character beyond the BMP, allowed
                    } else if (allowed(c)) {
                        out.append(c);
                    }
                }
            }
        }
    }

    /** XML 1.0's characters in the BMP: no controls but tab and line ends, no lone surrogate, no U+FFFE or U+FFFF. */
    private static boolean allowed(char c) {
        if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
        return !Character.isSurrogate(c) && c != 0xFFFE && c != 0xFFFF;
    }
}
