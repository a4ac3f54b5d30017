package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.sources.Source;
import herald.sources.SourceJson;
import herald.sources.Sources;
import herald.usecase.SourceUseCases;
import io.javalin.http.Context;
import java.time.Instant;

/** {@code /api/v1/sources}: Moodle log-table sources, their CRUD and their status. */
final class SourceRoutes {
    private final SourceUseCases sources;
    private final long maxBody;

    SourceRoutes(SourceUseCases sources, long maxBody) {
        this.sources = sources;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/sources", Permission.READ, this::list);
        r.post("/api/v1/sources", Permission.ADMIN, ctx -> {
            Source s = sources.create(Actors.of(ctx), Requests.jsonBody(ctx, maxBody));
            Responses.json(ctx.header("Location", "/api/v1/sources/" + s.id()), 201, view(s));
        });
        r.get("/api/v1/sources/{id}", Permission.READ, ctx -> Responses.json(ctx, 200, view(sources.get(id(ctx)))));
        r.get("/api/v1/sources/{id}/status", Permission.READ,
                ctx -> Responses.json(ctx, 200, statusView(sources.status(sources.get(id(ctx))))));
        r.put("/api/v1/sources/{id}", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(sources.update(Actors.of(ctx), id(ctx), Requests.jsonBody(ctx, maxBody), false))));
        r.patch("/api/v1/sources/{id}", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(sources.update(Actors.of(ctx), id(ctx), Requests.jsonBody(ctx, maxBody), true))));
        r.delete("/api/v1/sources/{id}", Permission.ADMIN, ctx -> {
            sources.delete(Actors.of(ctx), id(ctx));
            ctx.status(204);
        });
        r.post("/api/v1/sources/{id}/enable", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(sources.setEnabled(Actors.of(ctx), id(ctx), true))));
        r.post("/api/v1/sources/{id}/disable", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(sources.setEnabled(Actors.of(ctx), id(ctx), false))));
        // Connects with the given settings (a new source's, or changes to a saved one) and saves nothing.
        r.post("/api/v1/sources/test", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, testView(sources.testConnection(null, Requests.jsonBody(ctx, maxBody)))));
        r.post("/api/v1/sources/{id}/test", Permission.ADMIN, ctx -> {
            boolean noBody = ctx.contentLength() <= 0 && ctx.header("Transfer-Encoding") == null;
            var body = noBody ? Json.object() : Requests.jsonBody(ctx, maxBody);
            Responses.json(ctx, 200, testView(sources.testConnection(id(ctx), body)));
        });
    }

    static ObjectNode testView(Sources.ConnectionTest t) {
        ObjectNode o = Json.object().put("ok", t.ok()).put("message", t.message()).put("duration_ms", t.durationMs());
        if (t.newestLogId() == null) o.putNull("newest_log_id"); else o.put("newest_log_id", t.newestLogId());
        o.put("newest_log_at", t.newestLogAt() == null ? null : Requests.iso(t.newestLogAt()));
        return o;
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        var rows = sources.list(Requests.cursor(ctx), limit + 1);
        Responses.page(ctx, rows, limit, this::view, Source::id);
    }

    private ObjectNode view(Source s) {
        ObjectNode o = SourceJson.toJson(s, false);
        o.set("status", statusView(sources.status(s)));
        return o;
    }

    /** The status as the API shows it; a source this node does not tail shows what the database knows. */
    static ObjectNode statusView(Sources.Status st) {
        ObjectNode o = Json.object();
        o.put("state", st.state());
        o.put("last_log_id", st.lastLogId());
        o.put("lag_rows", st.lagRows());
        o.put("lag_s", st.lagS());
        o.put("last_error", st.lastError());
        if (!st.tailedHere()) return o;
        o.put("last_error_at", st.lastErrorAt() == 0 ? null : Instant.ofEpochMilli(st.lastErrorAt()).toString());
        o.put("watched_ids", st.watched());
        o.put("given_up_ids", st.givenUp());
        o.put("last_poll_at", st.lastPollAt() == 0 ? null : Instant.ofEpochMilli(st.lastPollAt()).toString());
        return o;
    }
}
