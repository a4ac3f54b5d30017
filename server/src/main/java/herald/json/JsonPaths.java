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
            if (cur.isArray()) {
                int index = index(step);
                cur = index < 0 ? null : cur.get(index);
            } else {
                cur = cur.get(step);
            }
            if (dot < 0) break;
            start = dot + 1;
        }
        return cur;
    }

    /**
     * {@code step} as an array index: one to nine ASCII digits; -1 for any other step. A longer one
     * is past the end of any array a document can hold, and parsing it as an int threw.
     */
    public static int index(String step) {
        int n = step.length();
        if (n == 0 || n > 9) return -1;
        int value = 0;
        for (int i = 0; i < n; i++) {
            char c = step.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
