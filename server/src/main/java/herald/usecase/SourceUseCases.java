package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
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

    public SourceUseCases(Database db, Sources sources) {
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

    public Source create(JsonNode body) {
        Source parsed = checkHost(SourceJson.parse(body, null));
        long now = System.currentTimeMillis();
        Source s = parsed.withId(Ids.newId("src"), now, now);
        Problems.uniqueName("source", () -> db.inTransaction(c -> {
            store.insert(c, s);
            return null;
        }));
        sources.reconcile();
        return s;
    }

    public Source update(String id, JsonNode body, boolean merge) {
        Source current = get(id);
        if (merge) body = ServiceUseCases.merged(body, SourceJson.toJson(current, false));
        Source s = checkHost(SourceJson.parse(body, current)).withId(current.id(), current.createdAt(), System.currentTimeMillis());
        Problems.uniqueName("source", () -> db.inTransaction(c -> store.update(c, s)));
        sources.reconcile();
        return s;
    }

    /** Deletes the source and its position; the events it stored stay. */
    private Source checkHost(Source s) {
        String why = sources.hostRefusal(s.jdbcUrl());
        if (why != null) throw Problem.invalid("jdbc_url", why);
        return s;
    }

    public void delete(String id) {
        if (!db.inTransaction(c -> store.delete(c, id))) throw Problem.notFound("source", id);
        sources.reconcile();
    }

    public Source setEnabled(String id, boolean on) {
        Source s = get(id).withEnabled(on, System.currentTimeMillis());
        db.inTransaction(c -> store.update(c, s));
        sources.reconcile();
        return s;
    }

}
