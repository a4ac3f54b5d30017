package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.ids.Ids;
import herald.problem.Problem;
import herald.sources.Source;
import herald.sources.SourceJson;
import herald.sources.SourceStore;
import herald.sources.Sources;
import herald.store.Database;
import java.util.List;

/** Sources (LMS databases Herald reads events from): create, change, enable, delete; each change applies at once. */
public final class SourceUseCases {
    private final Database db;
    private final Sources sources;
    private final SourceStore store;
    private final AuditLog audit;

    public SourceUseCases(Database db, Sources sources, AuditLog audit) {
        this.audit = audit;
        this.db = db;
        this.sources = sources;
        this.store = sources.store();
    }

    public List<Source> list(String afterId, int limit) {
        return db.read(c -> store.list(c, afterId, limit));
    }

    public Source get(String id) {
        return db.read(c -> store.get(c, id)).orElseThrow(() -> Problem.notFound("source", id));
    }

    public Sources.Status status(Source s) {
        return sources.status(s);
    }

    public Source create(Actor actor, JsonNode body) {
        Source parsed = checkHost(SourceJson.parse(body, null));
        long now = System.currentTimeMillis();
        Source s = parsed.withId(Ids.newId("src"), now, now);
        Problems.uniqueName("source", () -> db.inTransaction(c -> {
            store.insert(c, s);
            audit.record(c, actor, "source.created", target(s), null, SourceJson.toJson(s, false));
            return null;
        }));
        sources.reconcile();
        return s;
    }

    public Source update(Actor actor, String id, JsonNode body, boolean merge) {
        Source current = get(id);
        if (merge) body = ServiceUseCases.merged(body, SourceJson.toJson(current, false));
        Source s = checkHost(SourceJson.parse(body, current)).withId(current.id(), current.createdAt(), System.currentTimeMillis());
        Problems.uniqueName("source", () -> db.inTransaction(c -> {
            store.update(c, s);
            audit.record(c, actor, "source.updated", target(s), SourceJson.toJson(current, false), SourceJson.toJson(s, false));
            return null;
        }));
        sources.reconcile();
        return s;
    }

    /**
     * Tries a source's settings without saving them: {@code body} as for create, or for an existing
     * source ({@code id} not null) its changes (a masked or absent password keeps the stored one).
     */
    public Sources.ConnectionTest testConnection(String id, JsonNode body) {
        Source current = id == null ? null : get(id);
        if (current != null) body = ServiceUseCases.merged(body, SourceJson.toJson(current, false));
        Source s = checkHost(SourceJson.parse(body, current));
        if (s.id() == null) s = s.withId("src_test", 0, 0);
        return sources.testConnection(s);
    }

    /** The source, or a 400 on jdbc_url when its host may not be reached. */
    private Source checkHost(Source s) {
        String why = sources.hostRefusal(s.jdbcUrl());
        if (why != null) throw Problem.invalid("jdbc_url", why);
        return s;
    }

    /** Deletes the source and its position; the events it stored stay. */
    public void delete(Actor actor, String id) {
        Source current = get(id);
        boolean deleted = db.inTransaction(c -> {
            if (!store.delete(c, id)) return false;
            audit.record(c, actor, "source.deleted", target(current), SourceJson.toJson(current, false), null);
            return true;
        });
        if (!deleted) throw Problem.notFound("source", id);
        sources.reconcile();
    }

    public Source setEnabled(Actor actor, String id, boolean on) {
        Source current = get(id);
        Source s = current.withEnabled(on, System.currentTimeMillis());
        db.inTransaction(c -> {
            store.update(c, s);
            audit.record(c, actor, on ? "source.enabled" : "source.disabled", target(s), SourceJson.toJson(current, false),
                    SourceJson.toJson(s, false));
            return null;
        });
        sources.reconcile();
        return s;
    }

    private static AuditLog.Target target(Source s) {
        return new AuditLog.Target("source", s.id(), s.name());
    }

}
