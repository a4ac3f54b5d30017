package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.delivery.Attempt;
import herald.delivery.Delivery;
import herald.delivery.DeliveryFilter;
import herald.json.Json;
import herald.usecase.DeliveryUseCases;
import io.javalin.http.Context;

/**
 * {@code /api/v1/deliveries}: list (dead letters are {@code status=dead}), inspect with attempts and
 * the exact request sent, retry one, replay many by filter, delete.
 */
final class DeliveryRoutes {
    private final DeliveryUseCases deliveries;
    private final long maxBody;

    DeliveryRoutes(DeliveryUseCases deliveries, long maxBody) {
        this.deliveries = deliveries;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/deliveries", Permission.READ, this::list);
        r.post("/api/v1/deliveries/replay", Permission.ADMIN, ctx -> {
            var body = Requests.jsonBody(ctx, maxBody);
            if (Requests.flag(ctx, "dry_run")) {
                Responses.json(ctx, 200, Json.object().put("would_replay", deliveries.countReplay(body)));
            } else {
                Responses.json(ctx, 202, Json.object().put("replayed", deliveries.replay(Actors.of(ctx), body)));
            }
        });
        r.get("/api/v1/deliveries/{id}", Permission.READ, this::show);
        r.post("/api/v1/deliveries/{id}/retry", Permission.ADMIN,
                ctx -> Responses.json(ctx, 202, view(deliveries.retry(Actors.of(ctx), ctx.pathParam("id")))));
        r.delete("/api/v1/deliveries/{id}", Permission.ADMIN, ctx -> {
            deliveries.delete(Actors.of(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        var filter = new DeliveryFilter(ctx.queryParam("status"), ctx.queryParam("service_id"),
                ctx.queryParam("subscription_id"), ctx.queryParam("event_id"), ctx.queryParam("event_type"),
                ctx.queryParam("course_id"), ctx.queryParam("user_id"), Requests.time(ctx, "since"),
                Requests.time(ctx, "until"), ctx.queryParam("error"));
        var rows = deliveries.list(filter, Requests.cursor(ctx), limit + 1);
        Responses.page(ctx, rows, limit, DeliveryRoutes::view, Delivery::id);
    }

    private void show(Context ctx) {
        var detail = deliveries.get(ctx.pathParam("id"));
        ObjectNode o = view(detail.delivery());
        if (detail.ordering() != null) { // its subscription orders by key: which key, and what it waits for
            o.put("ordering_key", detail.ordering().key());
            o.put("waiting_for", detail.ordering().waitingFor());
        }
        var arr = o.putArray("attempts");
        for (Attempt a : detail.attempts()) {
            ObjectNode n = arr.addObject();
            n.put("id", a.id());
            n.put("time", Requests.iso(a.startedAt()));
            n.put("duration_ms", a.durationMs());
            if (a.statusCode() == null) n.putNull("status_code"); else n.put("status_code", a.statusCode());
            n.put("error_kind", a.errorKind());
            n.put("error", a.error());
            n.set("request_headers", a.requestHeaders() == null ? null : Json.read(a.requestHeaders()));
            n.set("response_headers", a.responseHeaders() == null ? null : Json.read(a.responseHeaders()));
            n.put("response", a.responseExcerpt());
            ObjectNode req = n.putObject("request");
            req.put("method", a.requestMethod());
            req.put("url", a.requestUrl());
            req.set("headers", a.requestHeaders() == null ? null : Json.read(a.requestHeaders()));
            req.put("body", a.requestBody());
        }
        var p = detail.preview();
        if (p != null) {
            ObjectNode preview = o.putObject("request_preview");
            if (p.error() != null) {
                preview.put("error", p.error());
            } else {
                preview.put("method", p.method());
                preview.put("url", p.url());
                p.headers().forEach(preview.putObject("headers")::put);
                preview.put("body", p.body());
            }
        }
        Responses.json(ctx, 200, o);
    }

    static ObjectNode view(Delivery d) {
        ObjectNode o = Json.object();
        o.put("id", d.id());
        o.put("event_id", d.eventId());
        o.put("service_id", d.serviceId());
        o.put("subscription_id", d.subscriptionId());
        o.put("status", d.status());
        o.put("attempts", d.attempts()); // a count here; the detail replaces it with the attempts themselves
        o.put("attempt_count", d.attempts());
        o.put("next_attempt_at", d.status().equals("delivered") || d.status().equals("dead") ? null : Requests.iso(d.nextAttemptAt()));
        o.put("last_error", d.lastError());
        o.put("created_at", Requests.iso(d.createdAt()));
        o.put("updated_at", Requests.iso(d.updatedAt()));
        return o;
    }
}
