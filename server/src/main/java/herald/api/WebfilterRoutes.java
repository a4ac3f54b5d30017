package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.usecase.WebfilterUseCases;
import herald.webfilter.FilterTypes;
import herald.webfilter.Webfilter;
import herald.webfilter.WebfilterJson;
import herald.webfilter.WebfilterRunner;
import herald.webfilter.WebfilterStore;
import io.javalin.http.Context;

/**
 * {@code /api/v1/webfilters} (their configuration and call log), {@code /api/v1/filter-types} (the
 * Open edX filters they can hook) and {@code POST /api/v1/filters/{filter_type}}, which an LMS calls
 * inside a user's request with the filter's data and gets back the data to use and an exception or none.
 */
final class WebfilterRoutes {
    private final WebfilterUseCases webfilters;
    private final long maxBody;

    WebfilterRoutes(WebfilterUseCases webfilters, long maxBody) {
        this.webfilters = webfilters;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/webfilters", Permission.READ, ctx -> {
            int limit = Requests.limit(ctx);
            Responses.page(ctx, webfilters.list(Requests.cursor(ctx), limit + 1), limit, this::view, Webfilter::id);
        });
        r.post("/api/v1/webfilters", Permission.ADMIN, ctx -> {
            Webfilter w = webfilters.create(Actors.of(ctx), Requests.jsonBody(ctx, maxBody));
            Responses.json(ctx.header("Location", "/api/v1/webfilters/" + w.id()), 201, view(w));
        });
        r.get("/api/v1/webfilters/{id}", Permission.READ, ctx -> Responses.json(ctx, 200, view(webfilters.get(id(ctx)))));
        r.put("/api/v1/webfilters/{id}", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(webfilters.update(Actors.of(ctx), id(ctx), Requests.jsonBody(ctx, maxBody), false))));
        r.patch("/api/v1/webfilters/{id}", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(webfilters.update(Actors.of(ctx), id(ctx), Requests.jsonBody(ctx, maxBody), true))));
        r.delete("/api/v1/webfilters/{id}", Permission.ADMIN, ctx -> {
            webfilters.delete(Actors.of(ctx), id(ctx));
            ctx.status(204);
        });
        r.get("/api/v1/webfilters/{id}/calls", Permission.READ, ctx -> {
            Requests.noCursor(ctx);
            var o = Json.object();
            var items = o.putArray("items");
            webfilters.calls(id(ctx), Math.min(Requests.limit(ctx), 500)).forEach(c -> items.add(callView(c)));
            o.putNull("next_cursor");
            Responses.json(ctx, 200, o);
        });
        r.get("/api/v1/filter-types", Permission.READ, ctx -> {
            // A fixed list, paged by position as the event-type catalog is.
            Responses.positions(ctx, webfilters.types().all().stream().map(WebfilterRoutes::typeView).toList(), Requests.limit(ctx, 500));
        });
        r.post("/api/v1/filters/{filter_type}", Permission.INGEST, ctx -> {
            WebfilterRunner.Result res = webfilters.run(ctx.pathParam("filter_type"), Requests.jsonBody(ctx, maxBody));
            Responses.json(ctx, 200, resultView(res));
        });
    }

    private ObjectNode view(Webfilter w) {
        return WebfilterJson.toJson(w, webfilters.types());
    }

    static ObjectNode resultView(WebfilterRunner.Result res) {
        ObjectNode o = Json.object();
        o.set("data", res.data());
        o.set("exception", res.exception());
        var calls = o.putArray("calls");
        for (var c : res.calls()) {
            var n = calls.addObject().put("webfilter_id", c.webfilterId());
            if (c.status() == null) n.putNull("status"); else n.put("status", c.status());
            n.put("error", c.error()).put("duration_ms", c.durationMs()).put("outcome", c.outcome());
        }
        o.put("budget_exhausted", res.budgetExhausted());
        return o;
    }

    static ObjectNode typeView(FilterTypes.FilterType t) {
        ObjectNode o = Json.object().put("filter_type", t.filterType()).put("class_name", t.className());
        t.arguments().forEach(o.putArray("arguments")::add);
        t.checkedExceptions().forEach(o.putArray("exceptions")::add);
        o.put("transport_exception", t.transportException());
        return o;
    }

    private static ObjectNode callView(WebfilterStore.CallLog c) {
        ObjectNode o = Json.object().put("id", Long.toString(c.seq())).put("time", Requests.iso(c.at())).put("filter_type", c.filterType())
                .put("duration_ms", c.durationMs()).put("outcome", c.outcome());
        if (c.status() == null) o.putNull("status"); else o.put("status", c.status());
        o.put("error_kind", c.errorKind()).put("error", c.error()).put("request_body", c.requestBody()).put("response_body", c.responseBody());
        return o;
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }
}
