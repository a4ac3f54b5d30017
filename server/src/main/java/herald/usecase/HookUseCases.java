package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.hooks.Hook;
import herald.hooks.HookJson;
import herald.hooks.HookRequests;
import herald.hooks.HookStore;
import herald.ids.Ids;
import herald.ingest.EventWriter;
import herald.openedx.OpenEdxSchemas;
import herald.problem.Problem;
import herald.store.Database;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Inbound hooks: their configuration, and receiving a request: credentials checked, then stored as the event it describes. */
public final class HookUseCases {
    /** What receiving made: the event's id, and whether it was there already (a re-sent request). */
    public record Received(String eventId, String type, boolean duplicate, int deliveries) {}

    private final Database db;
    private final HookStore store;
    private final IngestUseCases ingest;
    private final OpenEdxSchemas schemas;
    private final AuditLog audit;

    public HookUseCases(Database db, HookStore store, IngestUseCases ingest, OpenEdxSchemas schemas, AuditLog audit) {
        this.db = db;
        this.store = store;
        this.ingest = ingest;
        this.schemas = schemas;
        this.audit = audit;
    }

    public List<Hook> list(String afterId, int limit) {
        return db.read(c -> store.list(c, afterId, limit));
    }

    public Hook get(String id) {
        return db.read(c -> store.get(c, id)).orElseThrow(() -> Problem.notFound("hook", id));
    }

    public Hook create(Actor actor, JsonNode body) {
        Hook parsed = HookJson.parse(body, null);
        long now = System.currentTimeMillis();
        Hook h = parsed.withId(Ids.newId("hook"), now, now);
        Problems.uniqueName("hook", () -> db.inTransaction(c -> {
            store.insert(c, h);
            audit.record(c, actor, "hook.created", target(h), null, HookJson.toJson(h, false));
            return null;
        }));
        return h;
    }

    public Hook update(Actor actor, String id, JsonNode body, boolean merge) {
        Hook current = get(id);
        if (merge) body = ServiceUseCases.merged(body, HookJson.toJson(current, false));
        if (body.isObject()) ((com.fasterxml.jackson.databind.node.ObjectNode) body).remove("url");
        Hook h = HookJson.parse(body, current).withId(current.id(), current.createdAt(), System.currentTimeMillis());
        Problems.uniqueName("hook", () -> db.inTransaction(c -> {
            store.update(c, h);
            audit.record(c, actor, "hook.updated", target(h), HookJson.toJson(current, false), HookJson.toJson(h, false));
            return null;
        }));
        return h;
    }

    public void delete(Actor actor, String id) {
        Hook current = get(id);
        db.inTransaction(c -> {
            store.delete(c, id);
            audit.record(c, actor, "hook.deleted", target(current), HookJson.toJson(current, false), null);
            return null;
        });
    }

    /**
     * A request to {@code /hooks/{name}}: 404 when there is no such enabled hook, 401/403 for missing or
     * wrong credentials, 400 for a body that describes no event; stored (durably) before it returns.
     */
    public Received receive(String name, HookRequests.Incoming in) {
        Hook hook = db.read(c -> store.byName(c, name)).filter(Hook::enabled).orElseThrow(() -> Problem.notFound("hook", name));
        long now = System.currentTimeMillis();
        var doc = (com.fasterxml.jackson.databind.node.ObjectNode) null;
        try {
            HookRequests.authenticate(hook, in, now);
            doc = HookRequests.event(hook, in, schemas, now);
        } catch (HookRequests.Refused r) {
            throw switch (r.kind()) {
                case MISSING_CREDENTIALS -> new Problem(Problem.Kind.UNAUTHENTICATED, r.getMessage());
                case WRONG_CREDENTIALS -> Problem.forbidden(r.getMessage());
                case UNREADABLE -> Problem.invalid("body", r.getMessage());
            };
        }
        var events = ingest.parse(doc);
        try {
            EventWriter.Outcome o = ingest.store(events).get(30, TimeUnit.SECONDS).get(0);
            return new Received(o.id(), events.get(0).type(), o.duplicate(), o.deliveries());
        } catch (ExecutionException e) {
            throw IngestUseCases.unavailable(e.getCause());
        } catch (TimeoutException e) {
            throw IngestUseCases.unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IngestUseCases.unavailable(e);
        }
    }

    private static AuditLog.Target target(Hook h) {
        return new AuditLog.Target("hook", h.id(), h.name());
    }
}
