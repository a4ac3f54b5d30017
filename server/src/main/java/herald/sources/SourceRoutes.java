package herald.sources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Ids;
import herald.store.Database;
import herald.store.StoreException;
import herald.web.ApiException;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code /api/v1/sources}: Moodle log-table sources, their CRUD and their status. */
public final class SourceRoutes {
    private final Database db;
    private final Sources sources;
    private final SourceStore store;
    private final long maxBody;

    public SourceRoutes(Database db, Sources sources, long maxBody) {
        this.db = db;
        this.sources = sources;
        this.store = sources.store();
        this.maxBody = maxBody;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/sources", this::list);
        r.post("/api/v1/sources", this::create);
        r.get("/api/v1/sources/{id}", ctx -> Responses.json(ctx, 200, view(find(ctx))));
        r.get("/api/v1/sources/{id}/status", ctx -> Responses.json(ctx, 200, sources.status(find(ctx))));
        r.put("/api/v1/sources/{id}", ctx -> update(ctx, false));
        r.patch("/api/v1/sources/{id}", ctx -> update(ctx, true));
        r.delete("/api/v1/sources/{id}", this::delete);
        r.post("/api/v1/sources/{id}/enable", ctx -> setEnabled(ctx, true));
        r.post("/api/v1/sources/{id}/disable", ctx -> setEnabled(ctx, false));
    }

    private ObjectNode view(Source s) {
        ObjectNode o = SourceJson.toJson(s, false);
        o.set("status", sources.status(s));
        return o;
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String after = Requests.cursor(ctx);
        var rows = db.read(c -> store.list(c, after, limit + 1));
        Responses.page(ctx, rows, limit, this::view, Source::id);
    }

    private void create(Context ctx) {
        Source parsed = SourceJson.parse(Requests.jsonBody(ctx, maxBody), null);
        long now = System.currentTimeMillis();
        Source s = parsed.withId(Ids.newId("src"), now, now);
        save(() -> db.inTransaction(c -> {
            store.insert(c, s);
            return null;
        }));
        sources.reconcile();
        Responses.json(ctx.header("Location", "/api/v1/sources/" + s.id()), 201, view(s));
    }

    private void update(Context ctx, boolean merge) {
        Source current = find(ctx);
        var body = Requests.jsonBody(ctx, maxBody);
        if (merge) body = Requests.merged(body, SourceJson.toJson(current, false));
        Source s = SourceJson.parse(body, current).withId(current.id(), current.createdAt(), System.currentTimeMillis());
        save(() -> db.inTransaction(c -> store.update(c, s)));
        sources.reconcile();
        Responses.json(ctx, 200, view(s));
    }

    private void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!db.inTransaction(c -> store.delete(c, id))) throw ApiException.notFound("source", id);
        sources.reconcile();
        ctx.status(204);
    }

    private void setEnabled(Context ctx, boolean on) {
        Source s = find(ctx).withEnabled(on, System.currentTimeMillis());
        db.inTransaction(c -> store.update(c, s));
        sources.reconcile();
        Responses.json(ctx, 200, view(s));
    }

    private Source find(Context ctx) {
        String id = ctx.pathParam("id");
        return db.read(c -> store.get(c, id)).orElseThrow(() -> ApiException.notFound("source", id));
    }

    private static void save(Runnable write) {
        try {
            write.run();
        } catch (StoreException e) {
            if (e.isUniqueViolation()) throw ApiException.conflict("name", "a source with this name already exists");
            throw e;
        }
    }
}
