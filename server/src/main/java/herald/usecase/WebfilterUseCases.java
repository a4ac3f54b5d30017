package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.ids.Ids;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.webfilter.FilterTypes;
import herald.webfilter.Webfilter;
import herald.webfilter.WebfilterJson;
import herald.webfilter.WebfilterRunner;
import herald.webfilter.WebfilterStore;
import java.util.List;

/** Webfilters: their configuration and log, and running those of a filter for an Open edX request. */
public final class WebfilterUseCases {
    /** The default time a filter call may take in all; a caller may ask for less, or up to {@link #MAX_BUDGET_MS}. */
    public static final int DEFAULT_BUDGET_MS = 5_000;
    public static final int MAX_BUDGET_MS = 30_000;

    private final Database db;
    private final WebfilterStore store;
    private final FilterTypes types;
    private final WebfilterRunner runner;
    private final ConfigStore configs;
    private final AuditLog audit;

    public WebfilterUseCases(Database db, WebfilterStore store, FilterTypes types, WebfilterRunner runner, ConfigStore configs,
                             AuditLog audit) {
        this.db = db;
        this.store = store;
        this.types = types;
        this.runner = runner;
        this.configs = configs;
        this.audit = audit;
    }

    public FilterTypes types() {
        return types;
    }

    public List<Webfilter> list(String afterId, int limit) {
        return db.read(c -> store.list(c, afterId, limit));
    }

    public Webfilter get(String id) {
        return db.read(c -> store.get(c, id)).orElseThrow(() -> Problem.notFound("webfilter", id));
    }

    public List<WebfilterStore.CallLog> calls(String id, int limit) {
        get(id);
        return store.calls(id, limit);
    }

    public Webfilter create(Actor actor, JsonNode body) {
        Webfilter parsed = WebfilterJson.parse(body, null, types);
        long now = System.currentTimeMillis();
        Webfilter w = parsed.withId(Ids.newId("wf"), now, now);
        db.inTransaction(c -> {
            checkService(c, w);
            store.insert(c, w);
            audit.record(c, actor, "webfilter.created", target(w), null, WebfilterJson.toJson(w, types));
            return null;
        });
        runner.changed();
        return w;
    }

    public Webfilter update(Actor actor, String id, JsonNode body, boolean merge) {
        Webfilter current = get(id);
        if (merge) body = ServiceUseCases.merged(body, WebfilterJson.toJson(current, types));
        Webfilter w = WebfilterJson.parse(body, current, types).withId(current.id(), current.createdAt(), System.currentTimeMillis());
        db.inTransaction(c -> {
            checkService(c, w);
            store.update(c, w);
            audit.record(c, actor, "webfilter.updated", target(w), WebfilterJson.toJson(current, types), WebfilterJson.toJson(w, types));
            return null;
        });
        runner.changed();
        return w;
    }

    public void delete(Actor actor, String id) {
        Webfilter current = get(id);
        db.inTransaction(c -> {
            store.delete(c, id);
            audit.record(c, actor, "webfilter.deleted", target(current), WebfilterJson.toJson(current, types), null);
            return null;
        });
        runner.changed();
    }

    /**
     * Runs the enabled webfilters of a filter: {@code body} is {@code {"data": {...}, "budget_ms"}}, the
     * data as the openedx-webhooks plugin would send it. 404 for a filter type Herald does not know.
     */
    public WebfilterRunner.Result run(String filterType, JsonNode body) {
        FilterTypes.FilterType type = types.find(filterType).orElseThrow(() -> Problem.notFound("filter type", filterType));
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("data", "budget_ms");
        JsonNode data = f.raw("data");
        if (data == null) errors.add("data", "is required: the filter's arguments as an object");
        else if (!data.isObject()) errors.add("data", "must be an object: the filter's arguments");
        int budget = f.integer("budget_ms", 1, MAX_BUDGET_MS, DEFAULT_BUDGET_MS);
        errors.throwIfAny();
        return runner.run(type, (ObjectNode) data, budget);
    }

    private void checkService(java.sql.Connection c, Webfilter w) throws java.sql.SQLException {
        if (w.serviceId() != null && configs.service(c, w.serviceId()).isEmpty()) {
            throw Problem.unprocessable("service_id", "no service with this id", "service_id: no service '" + w.serviceId() + "'");
        }
    }

    private static AuditLog.Target target(Webfilter w) {
        return new AuditLog.Target("webfilter", w.id(), w.filterType());
    }
}
