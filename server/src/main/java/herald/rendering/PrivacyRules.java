package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import herald.json.JsonPaths;
import herald.subscription.Privacy;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscription's privacy applied to the event before any format sees it, so that what is dropped
 * or pseudonymized is so in every format, encoding, template, routing key and envelope, in previews
 * and test sends as in deliveries. Pseudonymizing an object or a list pseudonymizes every value in
 * it; nulls stay null (nothing to hide).
 */
final class PrivacyRules {
    private PrivacyRules() {}

    /** {@code event} as {@code privacy} lets {@code serviceId}'s receiver see it (a copy; the same object when nothing applies). */
    static ObjectNode apply(ObjectNode event, Privacy privacy, Pseudonyms pseudonyms, String serviceId) {
        if (privacy == null || privacy.isEmpty()) return event;
        ObjectNode out = event.deepCopy();
        // A Moodle event's other may be kept serialized (PHP or JSON text): its fields are paths too.
        if (out.path("other").isTextual() && mentionsOther(privacy)) out.set("other", MoodleOther.decode(out.get("other")));
        for (String path : privacy.drop()) visit(out, path.split("\\."), 0, (parent, key) -> remove(parent, key));
        for (String path : privacy.pseudonymize()) {
            visit(out, path.split("\\."), 0, (parent, key) -> replace(parent, key, pseudonyms, serviceId));
        }
        return out;
    }

    private static boolean mentionsOther(Privacy privacy) {
        for (String p : privacy.drop()) if (p.startsWith("other.") || p.startsWith("*.")) return true;
        for (String p : privacy.pseudonymize()) if (p.startsWith("other.") || p.startsWith("*.")) return true;
        return false;
    }

    /** {@code event} with the dropped fields gone (what routing needs to know: whether a learning record is left). */
    static JsonNode dropped(JsonNode event, Privacy privacy) {
        if (privacy == null || privacy.drop().isEmpty() || !(event instanceof ObjectNode o)) return event;
        return apply(o, new Privacy(privacy.drop(), java.util.List.of()), null, null);
    }

    private interface Action {
        void at(JsonNode parent, String key);
    }

    /** Calls {@code action} with the parent and key of every node {@code steps} reaches from {@code node}. */
    private static void visit(JsonNode node, String[] steps, int i, Action action) {
        if (node == null || !node.isContainerNode()) return;
        String step = steps[i];
        List<String> keys = new ArrayList<>();
        if (step.equals("*")) {
            if (node.isObject()) node.fieldNames().forEachRemaining(keys::add);
            else for (int k = node.size() - 1; k >= 0; k--) keys.add(Integer.toString(k)); // from the end: removals keep indexes
        } else {
            keys.add(step);
        }
        for (String key : keys) {
            if (i == steps.length - 1) action.at(node, key);
            else visit(child(node, key), steps, i + 1, action);
        }
    }

    private static JsonNode child(JsonNode node, String key) {
        if (node.isArray()) {
            int index = JsonPaths.index(key);
            return index < 0 ? null : node.get(index);
        }
        return node.get(key);
    }

    private static void remove(JsonNode parent, String key) {
        if (parent instanceof ObjectNode o) o.remove(key);
        else if (parent instanceof ArrayNode a && JsonPaths.index(key) >= 0 && JsonPaths.index(key) < a.size()) a.remove(JsonPaths.index(key));
    }

    private static void replace(JsonNode parent, String key, Pseudonyms pseudonyms, String serviceId) {
        JsonNode value = child(parent, key);
        if (value == null) return;
        JsonNode replaced = pseudonymized(value, pseudonyms, serviceId, 0);
        if (parent instanceof ObjectNode o) o.set(key, replaced);
        else if (parent instanceof ArrayNode a) a.set(JsonPaths.index(key), replaced);
    }

    private static JsonNode pseudonymized(JsonNode value, Pseudonyms pseudonyms, String serviceId, int depth) {
        if (value.isNull()) return value;
        if (value.isValueNode()) return TextNode.valueOf(pseudonyms.of(serviceId, value.asText()));
        if (depth > 64) return TextNode.valueOf(pseudonyms.of(serviceId, value.toString()));
        JsonNode copy = value.deepCopy();
        if (copy instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) o.set(n, pseudonymized(o.get(n), pseudonyms, serviceId, depth + 1));
        } else if (copy instanceof ArrayNode a) {
            for (int k = 0; k < a.size(); k++) a.set(k, pseudonymized(a.get(k), pseudonyms, serviceId, depth + 1));
        }
        return copy;
    }
}
