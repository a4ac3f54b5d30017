package herald.subscription;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import java.util.List;

/**
 * What of an event a subscription's receiver may not see: {@code drop} paths are removed before the
 * payload is rendered; {@code pseudonymize} paths are replaced by a pseudonym keyed per service (the
 * same value gives the same pseudonym in every event to that service, another one elsewhere).
 * Paths are dotted ({@code record.email}, {@code data.user.pii}); a {@code *} step matches every key
 * of an object or item of a list.
 */
public record Privacy(List<String> drop, List<String> pseudonymize) {
    public static final Privacy NONE = new Privacy(List.of(), List.of());
    static final int MAX_PATHS = 100;
    static final int MAX_PATH_CHARS = 255;
    static final int MAX_STEPS = 32;

    public boolean isEmpty() {
        return drop.isEmpty() && pseudonymize.isEmpty();
    }

    /** From the subscription's {@code privacy} object (null: none); problems go to {@code errors} under {@code privacy.*}. */
    static Privacy parse(JsonFields f, FieldErrors errors) {
        if (f == null) return NONE;
        f.rejectUnknown("drop", "pseudonymize");
        List<String> drop = paths(f, "drop", errors);
        List<String> pseudonymize = paths(f, "pseudonymize", errors);
        return drop.isEmpty() && pseudonymize.isEmpty() ? NONE : new Privacy(drop, pseudonymize);
    }

    private static List<String> paths(JsonFields f, String field, FieldErrors errors) {
        List<String> paths = f.strings(field, MAX_PATHS, MAX_PATH_CHARS);
        if (paths == null) return List.of();
        for (int i = 0; i < paths.size(); i++) {
            String why = problem(paths.get(i));
            if (why != null) errors.add("privacy." + field + "[" + i + "]", why);
        }
        return List.copyOf(paths);
    }

    static String problem(String path) {
        if (path.isBlank()) return "is empty: name a field such as record.email";
        String[] steps = path.split("\\.", -1);
        if (steps.length > MAX_STEPS) return "has more than " + MAX_STEPS + " steps";
        for (String step : steps) {
            if (step.isEmpty()) return "has an empty step (two dots, or a dot at an end)";
        }
        return null;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        drop.forEach(o.putArray("drop")::add);
        pseudonymize.forEach(o.putArray("pseudonymize")::add);
        return o;
    }
}
