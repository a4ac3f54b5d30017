package herald.json;

import com.fasterxml.jackson.databind.JsonNode;

/** Dotted paths into JSON documents ({@code other.enrol}, {@code data.user.id}, {@code items.0.id}). */
public final class JsonPaths {
    private JsonPaths() {}

    /** The node at {@code path}, or null when any step is missing. */
    public static JsonNode get(JsonNode root, String path) {
        JsonNode cur = root;
        int start = 0;
        while (cur != null && start <= path.length()) {
            int dot = path.indexOf('.', start);
            String step = dot < 0 ? path.substring(start) : path.substring(start, dot);
            if (cur.isArray() && step.chars().allMatch(Character::isDigit) && !step.isEmpty()) {
                cur = cur.get(Integer.parseInt(step));
            } else {
                cur = cur.get(step);
            }
            if (dot < 0) break;
            start = dot + 1;
        }
        return cur;
    }
}
