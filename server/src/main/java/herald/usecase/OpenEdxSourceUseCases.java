package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.ids.Ids;
import herald.openedx.EventBusSource;
import herald.openedx.EventBusSourceJson;
import herald.openedx.EventBusStore;
import herald.openedx.OpenEdxSources;
import herald.problem.Problem;
import herald.sources.SourceStore;
import herald.store.Database;
import java.util.List;
import java.util.Optional;

/**
 * Open edX event bus sources (the {@code openedx} type of {@code /api/v1/sources}): create, change,
 * enable, delete; each change applies at once on this node and within seconds on the others. A name
 * is unique among all sources, Moodle ones included.
 */
public final class OpenEdxSourceUseCases {
    private final Database db;
    private final OpenEdxSources sources;
    private final EventBusStore store;
    private final SourceStore moodleStore;
    private final AuditLog audit;

    public OpenEdxSourceUseCases(Database db, OpenEdxSources sources, SourceStore moodleStore, AuditLog audit) {
        this.db = db;
        this.sources = sources;
        this.store = sources.store();
        this.moodleStore = moodleStore;
        this.audit = audit;
    }

    public List<EventBusSource> list(String afterId, int limit) {
        return db.read(c -> store.list(c, afterId, limit));
    }

    public Optional<EventBusSource> find(String id) {
        return db.read(c -> store.get(c, id));
    }

    public EventBusSource get(String id) {
        return find(id).orElseThrow(() -> Problem.notFound("source", id));
    }

    public OpenEdxSources.Status status(EventBusSource s) {
        return sources.status(s);
    }

    public List<EventBusStore.Failed> failures(String id, int limit) {
        get(id);
        return db.read(c -> store.failures(c, id, limit));
    }

    public long failureCount(String id) {
        return db.read(c -> store.failureCount(c, id));
    }

    public EventBusSource create(Actor actor, JsonNode body) {
        EventBusSource parsed = checkHost(EventBusSourceJson.parse(body, null));
        long now = System.currentTimeMillis();
        EventBusSource s = parsed.withId(Ids.newId("src"), now, now);
        Problems.uniqueName("source", () -> db.inTransaction(c -> {
            if (moodleStore.byName(c, s.name()).isPresent()) throw Problem.conflict("name", "a source with this name already exists");
            store.insert(c, s);
            audit.record(c, actor, "source.created", target(s), null, EventBusSourceJson.toJson(s, false));
            return null;
        }));
        sources.reconcile();
        return s;
    }

    public EventBusSource update(Actor actor, String id, JsonNode body, boolean merge) {
        EventBusSource current = get(id);
        if (merge) body = ServiceUseCases.merged(body, EventBusSourceJson.toJson(current, false));
        EventBusSource s = checkHost(EventBusSourceJson.parse(body, current)).withId(current.id(), current.createdAt(),
                System.currentTimeMillis());
        Problems.uniqueName("source", () -> db.inTransaction(c -> {
            if (moodleStore.byName(c, s.name()).isPresent()) throw Problem.conflict("name", "a source with this name already exists");
            store.update(c, s);
            audit.record(c, actor, "source.updated", target(s), EventBusSourceJson.toJson(current, false), EventBusSourceJson.toJson(s, false));
            return null;
        }));
        sources.reconcile();
        return s;
    }

    public EventBusSource setEnabled(Actor actor, String id, boolean on) {
        EventBusSource current = get(id);
        EventBusSource s = current.withEnabled(on, System.currentTimeMillis());
        db.inTransaction(c -> {
            store.update(c, s);
            audit.record(c, actor, on ? "source.enabled" : "source.disabled", target(s), EventBusSourceJson.toJson(current, false),
                    EventBusSourceJson.toJson(s, false));
            return null;
        });
        sources.reconcile();
        return s;
    }

    /** Deletes the source and its failed messages; its consumer group stays in Redis (a new source of the same id cannot exist). */
    public void delete(Actor actor, String id) {
        EventBusSource current = get(id);
        db.inTransaction(c -> {
            store.delete(c, id);
            audit.record(c, actor, "source.deleted", target(current), EventBusSourceJson.toJson(current, false), null);
            return null;
        });
        sources.reconcile();
    }

    /** Tries a source's settings without saving them ({@code id}: changes over a saved source; a masked password keeps the stored one). */
    public herald.sources.Sources.ConnectionTest testConnection(String id, JsonNode body) {
        EventBusSource current = id == null ? null : get(id);
        if (current != null) body = ServiceUseCases.merged(body, EventBusSourceJson.toJson(current, false));
        EventBusSource s = checkHost(EventBusSourceJson.parse(body, current));
        return sources.testConnection(s.id() == null ? s.withId("src_test", 0, 0) : s);
    }

    private EventBusSource checkHost(EventBusSource s) {
        String why = sources.hostRefusal(s.redisUrl());
        if (why != null) throw Problem.invalid("redis_url", why);
        return s;
    }

    private static AuditLog.Target target(EventBusSource s) {
        return new AuditLog.Target("source", s.id(), s.name());
    }
}
