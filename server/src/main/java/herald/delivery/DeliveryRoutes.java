package herald.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Json;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.web.FieldErrors;
import herald.web.JsonFields;
import herald.web.ApiException;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /api/v1/deliveries}: list (dead letters are {@code status=dead}), inspect with attempts and
 * the exact request sent, retry one, replay many by filter, delete; and pausing a service.
 */
public final class DeliveryRoutes {
    /** Most deliveries one replay request may make due; a larger set takes several requests. */
    static final int MAX_REPLAY = 100_000;
    private final DeliveryStore store;
    private final Dispatcher dispatcher;
    private final ConfigStore configs;
    private final Database db;
    private final long maxBody;

    public DeliveryRoutes(DeliveryStore store, Dispatcher dispatcher, Database db, ConfigStore configs, long maxBody) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.db = db;
        this.configs = configs;
        this.maxBody = maxBody;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/deliveries", this::list);
        r.post("/api/v1/deliveries/replay", this::replay);
        r.get("/api/v1/deliveries/{id}", this::show);
        r.post("/api/v1/deliveries/{id}/retry", this::retry);
        r.post("/api/v1/services/{id}/pause", ctx -> pause(ctx, true));
        r.post("/api/v1/services/{id}/resume", ctx -> pause(ctx, false));
        r.delete("/api/v1/deliveries/{id}", ctx -> {
            if (!store.delete(ctx.pathParam("id"))) throw ApiException.notFound("delivery", ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String status = ctx.queryParam("status");
        checkStatus(status);
        var filter = new DeliveryFilter(status, ctx.queryParam("service_id"), ctx.queryParam("subscription_id"),
                ctx.queryParam("event_id"), ctx.queryParam("event_type"), ctx.queryParam("course_id"),
                ctx.queryParam("user_id"), Requests.time(ctx, "since"), Requests.time(ctx, "until"), ctx.queryParam("error"));
        var rows = store.list(filter, Requests.cursor(ctx), limit + 1);
        Responses.page(ctx, rows, limit, DeliveryRoutes::view, Delivery::id);
    }

    private static void checkStatus(String status) {
        if (status != null && !Delivery.STATUSES.contains(status)) {
            throw ApiException.invalid("status", "must be one of " + String.join(", ", Delivery.STATUSES.stream().sorted().toList()));
        }
    }

    /** {@code POST /deliveries/replay}: the filter in the body; {@code status} defaults to dead. */
    private void replay(Context ctx) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(Requests.jsonBody(ctx, maxBody), "", errors);
        f.rejectUnknown("status", "service_id", "subscription_id", "event_id", "event_type", "course_id", "user_id",
                "since", "until", "error", "limit");
        String status = f.oneOf("status", "dead", "dead", "delivered", "retrying", "pending");
        var filter = new DeliveryFilter(status, f.string("service_id", false, 100, null),
                f.string("subscription_id", false, 100, null), f.string("event_id", false, 255, null),
                f.string("event_type", false, 255, null), f.string("course_id", false, 255, null),
                f.string("user_id", false, 255, null), time(f, "since"), time(f, "until"), f.string("error", false, 1000, null));
        int max = f.integer("limit", 1, MAX_REPLAY, MAX_REPLAY);
        errors.throwIfAny();
        int n = store.replay(filter, max);
        if (n > 0) dispatcher.wake();
        Responses.json(ctx, 202, Json.object().put("replayed", n));
    }

    private static Long time(JsonFields f, String field) {
        String raw = f.string(field, false, 64, null);
        if (raw == null) return null;
        try {
            return java.time.OffsetDateTime.parse(raw).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            f.errors().add(f.path(field), "must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
            return null;
        }
    }

    /** Pause holds a service's deliveries (status paused) on every node; resume lets them go. */
    private void pause(Context ctx, boolean paused) {
        String id = ctx.pathParam("id");
        if (db.read(c -> configs.service(c, id)).isEmpty()) throw ApiException.notFound("service", id);
        dispatcher.serviceStates().setPaused(id, paused, store);
        dispatcher.statesChanged();
        Responses.json(ctx, 200, stateView(dispatcher.serviceStates().get(id)));
    }

    /** Adds {@code paused} and the breaker's live state to service views (keyed by service id). */
    public static void describeServices(ServiceStates states, java.util.Map<String, ObjectNode> views) {
        var all = states.all();
        views.forEach((id, view) -> {
            ServiceStates.State st = all.getOrDefault(id, ServiceStates.State.fresh(id));
            view.put("paused", st.paused());
            ObjectNode b = (ObjectNode) view.get("circuit_breaker");
            b.setAll(breakerView(st));
        });
    }

    /** The live delivery state of a service, as shown in the service's view. */
    public static ObjectNode stateView(ServiceStates.State st) {
        ObjectNode o = Json.object();
        o.put("service_id", st.serviceId());
        o.put("paused", st.paused());
        o.set("circuit_breaker", breakerView(st));
        return o;
    }

    public static ObjectNode breakerView(ServiceStates.State st) {
        ObjectNode b = Json.object();
        b.put("state", st.breaker());
        b.put("failures", st.failures());
        b.put("times_opened", st.timesOpened());
        if (st.breaker().equals(ServiceStates.CLOSED)) b.putNull("open_until");
        else b.put("open_until", Requests.iso(st.openUntil()));
        return b;
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
            ObjectNode req = n.putObject("request");
            req.put("method", a.requestMethod());
            req.put("url", a.requestUrl());
            req.set("headers", a.requestHeaders() == null ? null : Json.read(a.requestHeaders()));
            req.put("body", a.requestBody()); // kept for attempts that did not deliver
        }
        Responses.json(ctx, 200, o);
    }

    private void retry(Context ctx) {
        String id = ctx.pathParam("id");
        Delivery d = store.get(id).orElseThrow(() -> ApiException.notFound("delivery", id));
        if (!store.retryNow(id)) {
            throw new ApiException(409, "Conflict", "delivery " + id + (d.status().equals("paused")
                    ? " waits for its service to be resumed" : " is being delivered right now") + " (status " + d.status() + ")");
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
