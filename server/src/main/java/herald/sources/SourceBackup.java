package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.problem.FieldError;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sources part of a backup: {@code sources} (passwords masked), and each password in the
 * sealed secrets under {@code "~sources"} (a key no service id can take) when secrets are included.
 * A restored source keeps its checkpoint when its id exists; a new one begins at its {@code start}.
 */
public final class SourceBackup {
    static final String SECRETS_KEY = "~sources";

    /** Validated sources of a backup, ready to write. */
    public record Plan(List<Source> upserts, Set<String> existingIds, List<String> removals) {
        public int sources() {
            return upserts.size();
        }

        public int removed() {
            return removals.size();
        }

        public void apply(Connection c, SourceStore store) throws SQLException {
            for (String id : removals) store.delete(c, id);
            store.releaseNames(c, upserts.stream().filter(s -> existingIds.contains(s.id())).map(Source::id).toList());
            for (Source s : upserts) {
                if (existingIds.contains(s.id())) store.update(c, s); else store.insert(c, s);
            }
        }
    }

    private SourceBackup() {}

    public static void export(Connection c, SourceStore store, boolean includeSecrets, ArrayNode out, ObjectNode clearSecrets)
            throws SQLException {
        for (Source s : store.list(c, null, Integer.MAX_VALUE)) {
            out.add(SourceJson.toJson(s, false));
            if (includeSecrets) clearSecrets.withObject(SECRETS_KEY).put(s.id(), s.password());
        }
    }

    /**
     * Checks the document's {@code sources} (absent in backups made before sources existed: then the
     * sources are left as they are), filing problems under {@code sources[i].field}.
     */
    public static Plan plan(Connection c, SourceStore store, JsonNode in, ObjectNode secrets, boolean replace,
                            FieldErrors errors) throws SQLException {
        Map<String, Source> existing = new HashMap<>();
        for (Source s : store.list(c, null, Integer.MAX_VALUE)) existing.put(s.id(), s);
        if (in == null || in.isNull()) return new Plan(List.of(), existing.keySet(), List.of());
        if (!in.isArray()) {
            errors.add("sources", "must be an array");
            return new Plan(List.of(), existing.keySet(), List.of());
        }
        JsonNode passwords = secrets == null ? null : secrets.get(SECRETS_KEY);
        List<Source> upserts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            String at = "sources[" + i + "]";
            JsonNode item = in.get(i);
            if (!item.isObject()) {
                errors.add(at, "must be a JSON object");
                continue;
            }
            String id = item.path("id").asText("");
            if (!id.matches("[A-Za-z0-9_-]{1,100}")) {
                errors.add(at + ".id", "is required: letters, digits, '_' or '-'");
                continue;
            }
            if (!ids.add(id)) errors.add(at + ".id", "appears twice in the document");
            ObjectNode doc = ((ObjectNode) item).deepCopy();
            doc.remove("status");
            if (passwords != null && passwords.has(id)) doc.set("password", passwords.get(id));
            Source s;
            try {
                s = SourceJson.parse(doc, existing.get(id));
            } catch (Problem e) {
                for (FieldError fe : e.errors()) errors.add(at + "." + fe.field(), fe.message());
                continue;
            }
            if (!names.add(s.name())) errors.add(at + ".name", "appears twice in the document");
            positions.putIfAbsent(id, i);
            long now = System.currentTimeMillis();
            Source old = existing.get(id);
            upserts.add(s.withId(id, old != null ? old.createdAt() : now, now));
        }
        if (!replace) { // sources the document leaves alone keep their names
            for (Source s : upserts) {
                for (Source other : existing.values()) {
                    if (other.name().equals(s.name()) && !ids.contains(other.id())) {
                        errors.add("sources[" + positions.get(s.id()) + "].name", "'" + s.name() + "' belongs to source "
                                + other.id() + ", which this backup does not change");
                    }
                }
            }
        }
        List<String> removals = new ArrayList<>();
        if (replace) for (String id : existing.keySet()) if (!ids.contains(id)) removals.add(id);
        return new Plan(upserts, existing.keySet(), removals);
    }
}
