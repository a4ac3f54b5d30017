package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import herald.usecase.SubscriptionUseCases;
import io.javalin.http.Context;

/**
 * {@code /api/v1/subscriptions}: CRUD (a subscription must point at an existing service), and
 * {@code POST /api/v1/subscriptions/preview}: what a subscription would send for an event.
 */
final class SubscriptionRoutes {
    private final SubscriptionUseCases subscriptions;
    private final long maxBody;

    SubscriptionRoutes(SubscriptionUseCases subscriptions, long maxBody) {
        this.subscriptions = subscriptions;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/subscriptions", Permission.READ, this::list);
        r.post("/api/v1/subscriptions", Permission.ADMIN, ctx -> {
            Subscription s = subscriptions.create(Actors.of(ctx), Requests.jsonBody(ctx, maxBody));
            Responses.json(ctx.header("Location", "/api/v1/subscriptions/" + s.id()), 201, SubscriptionJson.toJson(s));
        });
        r.post("/api/v1/subscriptions/preview", Permission.ADMIN, this::preview);
        r.get("/api/v1/subscriptions/{id}", Permission.READ,
                ctx -> Responses.json(ctx, 200, SubscriptionJson.toJson(subscriptions.get(ctx.pathParam("id")))));
        r.put("/api/v1/subscriptions/{id}", Permission.ADMIN, ctx -> update(ctx, false));
        r.patch("/api/v1/subscriptions/{id}", Permission.ADMIN, ctx -> update(ctx, true));
        r.delete("/api/v1/subscriptions/{id}", Permission.ADMIN, ctx -> {
            subscriptions.delete(Actors.of(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String event = ctx.queryParam("event");
        var rows = event == null ? subscriptions.list(ctx.queryParam("service_id"), Requests.cursor(ctx), limit + 1)
                : subscriptions.receiving(event, ctx.queryParam("service_id"), Requests.cursor(ctx), limit + 1);
        Responses.page(ctx, rows, limit, SubscriptionJson::toJson, Subscription::id);
    }

    private void update(Context ctx, boolean merge) {
        Subscription s = subscriptions.update(Actors.of(ctx), ctx.pathParam("id"), Requests.jsonBody(ctx, maxBody), merge);
        Responses.json(ctx, 200, SubscriptionJson.toJson(s));
    }

    private void preview(Context ctx) {
        var p = subscriptions.preview(Requests.jsonBody(ctx, maxBody));
        ObjectNode o = Json.object();
        o.put("method", p.method());
        o.put("url", p.url());
        o.put("content_type", p.contentType());
        p.headers().forEach(o.putObject("headers")::put);
        o.put("body", p.body());
        p.warnings().forEach(o.putArray("warnings")::add);
        Responses.json(ctx, 200, o);
    }
}
