package herald.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Json;
import herald.web.ApiException;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;

/** {@code /api/v1/deliveries}: list, inspect with attempts, retry now, delete. */
public final class DeliveryRoutes {
    private static final Set<String> STATUSES = Set.of("pending", "delivering", "retrying", "delivered", "dead", "paused");
    private final DeliveryStore store;
    private final Dispatcher dispatcher;

    public DeliveryRoutes(DeliveryStore store, Dispatcher dispatcher) {
        this.store = store;
        this.dispatcher = dispatcher;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/deliveries", this::list);
        r.get("/api/v1/deliveries/{id}", this::show);
        r.post("/api/v1/deliveries/{id}/retry", this::retry);
        r.delete("/api/v1/deliveries/{id}", ctx -> {
            if (!store.delete(ctx.pathParam("id"))) throw ApiException.notFound("delivery", ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("status", "must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
        }
        var rows = store.list(status, ctx.queryParam("service_id"), ctx.queryParam("subscription_id"),
                ctx.queryParam("event_id"), Requests.cursor(ctx), limit + 1);
        Responses.page(ctx, rows, limit, DeliveryRoutes::view, Delivery::id);
    }

    private void show(Context ctx) {
        String id = ctx.pathParam("id");
        Delivery d = store.get(id).orElseThrow(() -> ApiException.notFound("delivery", id));
        ObjectNode o = view(d);
        var arr = o.putArray("attempts");
        for (Attempt a : store.attempts(id)) {
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
        }
        Responses.json(ctx, 200, o);
    }

    private void retry(Context ctx) {
        String id = ctx.pathParam("id");
        Delivery d = store.get(id).orElseThrow(() -> ApiException.notFound("delivery", id));
        if (!store.retryNow(id)) {
            throw new ApiException(409, "Conflict", "delivery " + id + " is being delivered right now (status " + d.status() + ")");
        }
        dispatcher.wake();
        Responses.json(ctx, 202, view(store.get(id).orElseThrow()));
    }

    public static ObjectNode view(Delivery d) {
        ObjectNode o = Json.object();
        o.put("id", d.id());
        o.put("event_id", d.eventId());
        o.put("service_id", d.serviceId());
        o.put("subscription_id", d.subscriptionId());
        o.put("status", d.status());
        o.put("attempts", d.attempts());
        o.put("next_attempt_at", d.status().equals("delivered") || d.status().equals("dead") ? null : Requests.iso(d.nextAttemptAt()));
        o.put("last_error", d.lastError());
        o.put("created_at", Requests.iso(d.createdAt()));
        o.put("updated_at", Requests.iso(d.updatedAt()));
        return o;
    }
}
