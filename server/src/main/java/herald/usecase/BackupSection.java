package herald.usecase;

import herald.ids.Ids;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import herald.hooks.Hook;
import herald.hooks.HookJson;
import herald.hooks.HookStore;
import herald.openedx.EventBusSource;
import herald.openedx.EventBusSourceJson;
import herald.openedx.EventBusStore;
import herald.problem.FieldError;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.store.DocumentStore;
import herald.sources.Source;
import herald.sources.SourceJson;
import herald.sources.SourceStore;
import herald.store.Stored;
import herald.webfilter.FilterTypes;
import herald.webfilter.Webfilter;
import herald.webfilter.WebfilterJson;
import herald.webfilter.WebfilterStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One kind of configuration document in a backup beside services and subscriptions: Moodle sources,
 * Open edX sources, webfilters, inbound hooks. Written as the API shows them (secrets masked) under
 * {@link #key}; with secrets, what is secret of each goes in the sealed part too, under
 * {@code "~" + key} by id (a key no service id can take). Read back through the API's own parser, so
 * a backup is checked like the requests that made it. A backup made before the kind was backed up
 * has no {@link #key}: those documents are then left as they are.
 */
final class BackupSection<T extends Stored> {
    /** The API's parser: the document as a request body, over the stored one of the same id (null if new). */
    interface Parser<T> {
        T parse(JsonNode doc, T existing);
    }

    final String key;
    final String kind;
    private final DocumentStore<T> table;
    private final Parser<T> parser;
    private final Function<T, ObjectNode> shown;
    private final Function<T, String> name;
    private final Function<T, String> serviceId;
    private final Rebuild<T> withId;
    private final List<String> shownOnly;
    private final Sealing<T> sealing;

    /** What of a document is sealed in a backup with secrets, and how it is laid back over the shown one. */
    interface Sealing<T> {
        JsonNode secret(T doc);

        ObjectNode withSecret(ObjectNode shown, JsonNode secret);
    }

    /** The whole document is sealed, and restored from it. */
    private static <T> Sealing<T> whole(Function<T, ObjectNode> full) {
        return new Sealing<>() {
            @Override public JsonNode secret(T doc) { return full.apply(doc); }
            @Override public ObjectNode withSecret(ObjectNode shown, JsonNode secret) { return (ObjectNode) secret.deepCopy(); }
        };
    }

    interface Rebuild<T> {
        T withId(T doc, String id, long createdAt, long updatedAt);
    }

    /**
     * {@code sealing} null: nothing secret. {@code name} null: no unique name (the label is then the
     * {@code shown} document's {@code filter_type}). {@code serviceId} null: refers to no service.
     * {@code shownOnly}: fields the API shows but does not take.
     */
    private BackupSection(String key, String kind, DocumentStore<T> table, Parser<T> parser, Rebuild<T> withId,
                          Function<T, ObjectNode> shown, Sealing<T> sealing, Function<T, String> name, Function<T, String> serviceId, List<String> shownOnly) {
        this.shownOnly = shownOnly;
        this.sealing = sealing;
        this.key = key;
        this.kind = kind;
        this.table = table;
        this.parser = parser;
        this.withId = withId;
        this.shown = shown;
        this.name = name;
        this.serviceId = serviceId;
    }

    /** Moodle sources: only the database password is sealed (as backups have carried it from the start). */
    static BackupSection<Source> moodleSources(SourceStore store) {
        return new BackupSection<>("sources", "source", store, SourceJson::parse, Source::withId, s -> SourceJson.toJson(s, false),
                new Sealing<>() {
            @Override public JsonNode secret(Source s) { return TextNode.valueOf(s.password()); }
            @Override public ObjectNode withSecret(ObjectNode shown, JsonNode password) { return shown.set("password", password); }
        }, Source::name, null, List.of());
    }

    static BackupSection<EventBusSource> openedxSources(EventBusStore store) {
        return new BackupSection<>("openedx_sources", "openedx_source", store, EventBusSourceJson::parse, EventBusSource::withId,
                s -> EventBusSourceJson.toJson(s, false), whole(s -> EventBusSourceJson.toJson(s, true)), EventBusSource::name, null, List.of());
    }

    static BackupSection<Webfilter> webfilters(WebfilterStore store, FilterTypes types) {
        return new BackupSection<>("webfilters", "webfilter", store, (doc, existing) -> WebfilterJson.parse(doc, existing, types),
                Webfilter::withId, w -> WebfilterJson.toJson(w, types), null, null, Webfilter::serviceId, List.of());
    }

    static BackupSection<Hook> hooks(HookStore store) {
        return new BackupSection<>("hooks", "hook", store, HookJson::parse, Hook::withId, h -> HookJson.toJson(h, false),
                whole(h -> HookJson.toJson(h, true)), Hook::name, null, List.of("url")); // url: where callers send, made from the name
    }

    private String label(T doc) {
        return name != null ? name.apply(doc) : shown.apply(doc).path("filter_type").asText(doc.id());
    }

    void export(Connection c, boolean includeSecrets, ObjectNode doc, ObjectNode clearSecrets) throws SQLException {
        ArrayNode out = doc.putArray(key);
        for (T t : table.all(c)) {
            out.add(shown.apply(t));
            if (includeSecrets && sealing != null) clearSecrets.withObject("~" + key).set(t.id(), sealing.secret(t));
        }
    }

    /** What a restore writes of this kind, checked; nothing is written by making it. */
    final class Plan {
        final List<T> upserts = new ArrayList<>();
        final Map<String, T> existing = new LinkedHashMap<>();
        final List<String> removals = new ArrayList<>();
        /** What a new document of this kind will lack: its secrets, when the backup holds none for it. */
        final List<String> warnings = new ArrayList<>();
        /** Where in the document each written document is ({@code key[i]}), by id. */
        final Map<String, String> positions = new HashMap<>();

        void changes(List<BackupUseCases.Change> out) {
            for (T t : upserts) {
                T old = existing.get(t.id());
                if (old == null) out.add(new BackupUseCases.Change(kind, "create", t.id(), label(t)));
                else if (!BackupUseCases.sameConfig(shown.apply(old), shown.apply(t))) {
                    out.add(new BackupUseCases.Change(kind, "update", t.id(), label(t)));
                }
            }
            for (String id : removals) out.add(new BackupUseCases.Change(kind, "remove", id, label(existing.get(id))));
        }

        /** The names there will be once applied, each with where the document gives it ({@code key[i]}, or null: kept as is). */
        Map<String, String> names() {
            Map<String, String> out = new HashMap<>();
            if (name == null) return out;
            Set<String> written = new HashSet<>();
            for (int i = 0; i < upserts.size(); i++) {
                out.put(name.apply(upserts.get(i)), positions.get(upserts.get(i).id()));
                written.add(upserts.get(i).id());
            }
            for (T t : existing.values()) if (!written.contains(t.id()) && !removals.contains(t.id())) out.putIfAbsent(name.apply(t), null);
            return out;
        }

        BackupUseCases.SectionCount count() {
            return new BackupUseCases.SectionCount(key, upserts.size(), removals.size());
        }

        void apply(Connection c) throws SQLException {
            for (String id : removals) table.delete(c, id);
            table.releaseNames(c, upserts.stream().map(Stored::id).filter(existing::containsKey).toList());
            for (T t : upserts) {
                if (existing.containsKey(t.id())) table.update(c, t); else table.insert(c, t);
            }
        }
    }

    /**
     * For a document new to this Herald and restored without its secrets: which secrets stay masked
     * (so empty, or made anew), said so that the operator sets them; null when none is.
     */
    static String missingSecrets(JsonNode body) {
        List<String> masked = new ArrayList<>();
        maskedFields(body, "", masked);
        return masked.isEmpty() ? null : "its secrets are not in this backup (made without them): "
                + String.join(", ", masked) + ". Set them on this Herald";
    }

    /** The secrets a document lacks, masked in a backup made without them, named as its errors name fields. */
    static List<String> maskedPaths(JsonNode body) {
        List<String> out = new ArrayList<>();
        maskedFields(body, "", out);
        return out;
    }

    /**
     * A field error of a document restored anew: a secret it cannot be made without, masked in the
     * backup, is said to be missing from the backup, not merely "required".
     */
    static String explained(FieldError fe, List<String> masked, String kind) {
        return masked.contains(fe.field()) ? "is not in this backup (made without secrets), and this " + kind.replace('_', ' ')
                + " does not exist here to keep its own: restore from a backup made with secrets, or leave it out of the file" : fe.message();
    }

    private static void maskedFields(JsonNode n, String at, List<String> out) {
        if (n.isTextual() && n.textValue().equals(herald.crypto.SecretBox.MASK)) out.add(at);
        else if (n.isObject()) n.properties().forEach(e -> maskedFields(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey(), out));
        else if (n.isArray()) for (int i = 0; i < n.size(); i++) maskedFields(n.get(i), at + "[" + i + "]", out);
    }

    /**
     * Checks the document's {@link #key} (its problems filed under {@code key[i].field}); a document
     * without it leaves this kind as it is. {@code serviceIds}: the services there will be.
     */
    Plan plan(Connection c, JsonNode doc, ObjectNode secrets, boolean replace, Set<String> serviceIds, FieldErrors errors)
            throws SQLException {
        Plan plan = new Plan();
        for (T t : table.all(c)) plan.existing.put(t.id(), t);
        JsonNode in = doc.get(key);
        if (in == null || in.isNull()) return plan;
        if (!in.isArray()) {
            errors.add(key, "must be an array");
            return plan;
        }
        JsonNode sealed = secrets == null ? null : secrets.get("~" + key);
        Set<String> ids = new HashSet<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            String at = key + "[" + i + "]";
            JsonNode item = in.get(i);
            if (!item.isObject()) {
                errors.add(at, "must be a JSON object");
                continue;
            }
            String id = item.path("id").asText("");
            if (!Ids.ANY.matcher(id).matches()) {
                errors.add(at + ".id", "is required: letters, digits, '_' or '-'");
                continue;
            }
            if (!ids.add(id)) errors.add(at + ".id", "appears twice in the document");
            ObjectNode body = ((ObjectNode) item).deepCopy();
            List<String> masked = List.of();
            if (sealing != null && sealed != null && sealed.has(id)) body = sealing.withSecret(body, sealed.get(id));
            else if (plan.existing.get(id) == null) {
                String missing = missingSecrets(body);
                if (missing != null) plan.warnings.add(at + " '" + body.path("name").asText(id) + "': " + missing);
                masked = maskedPaths(body);
            }
            body.remove(List.of("id", "created_at", "updated_at", "status"));
            body.remove(shownOnly);
            T old = plan.existing.get(id);
            T parsed;
            try {
                parsed = parser.parse(body, old);
            } catch (Problem e) {
                for (FieldError fe : e.errors()) errors.add(at + "." + fe.field(), explained(fe, masked, kind));
                if (e.errors().isEmpty()) errors.add(at, e.getMessage());
                continue;
            }
            if (name != null && names.putIfAbsent(name.apply(parsed), i) != null) errors.add(at + ".name", "appears twice in the document");
            String service = serviceId == null ? null : serviceId.apply(parsed);
            if (service != null && !serviceIds.contains(service)) errors.add(at + ".service_id", "names no service in the document");
            long now = System.currentTimeMillis();
            plan.upserts.add(withId.withId(parsed, id, old != null ? old.createdAt() : now, now));
            plan.positions.putIfAbsent(id, at);
        }
        if (name != null && !replace) { // documents the backup leaves alone keep their names
            for (T other : plan.existing.values()) {
                Integer taker = names.get(name.apply(other));
                if (taker != null && !ids.contains(other.id())) {
                    errors.add(key + "[" + taker + "].name", "'" + name.apply(other) + "' belongs to " + kind.replace('_', ' ') + " "
                            + other.id() + ", which this backup does not change");
                }
            }
        }
        if (replace) for (String id : plan.existing.keySet()) if (!ids.contains(id)) plan.removals.add(id);
        return plan;
    }
}
