package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import herald.event.PhpUnserialize;
import herald.json.Json;

/**
 * Moodle's {@code other} as the plugins send it: decoded. A log row keeps it as text, either PHP
 * {@code serialize()} output (logstore {@code jsonformat} off) or JSON (on); an event read from the
 * log or sent by a script may therefore carry that text. Anything that is not one of those two
 * encodings, or that holds PHP objects ({@link PhpUnserialize} never reads them), is left as it is.
 */
public final class MoodleOther {
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
        if (s.length() >= 2 && "Nbidsa".indexOf(c) >= 0 && (s.charAt(1) == ':' || s.charAt(1) == ';')) {
            try {
                return PhpUnserialize.parse(s);
            } catch (PhpUnserialize.Invalid notSerialized) {
                // fall through: an ordinary string that looks like serialize() output, or an object (never read)
            }
        }
        return other;
    }
}
