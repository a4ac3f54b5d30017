package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.EventQueries;
import herald.json.Json;
import herald.usecase.DeliveryUseCases;
import herald.usecase.EventUseCases;
import io.javalin.http.Context;

/** Reading events back; {@code POST /api/v1/events} is served by {@link IngestHandler}, in front of Javalin. */
final class EventRoutes {
    private final EventUseCases events;
    private final DeliveryUseCases deliveries;

    EventRoutes(EventUseCases events, DeliveryUseCases deliveries) {
        this.events = events;
        this.deliveries = deliveries;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/events", Permission.READ, this::list);
        r.get("/api/v1/events/{id}", Permission.READ, this::show);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        Long before = Requests.numberCursor(ctx);
        // The filter names of deliveries and replay (event_type, course_id, user_id, service_id), and the older ones.
        var filter = new EventQueries.Filter(firstOf(ctx, "event_type", "type"), ctx.queryParam("source"),
                firstOf(ctx, "course_id", "course"), firstOf(ctx, "user_id", "user"),
                Requests.time(ctx, "since"), Requests.time(ctx, "until"), ctx.queryParam("service_id"));
        var page = events.list(filter, before, limit + 1);
        // A short page with a cursor: the scan window ended before the oldest events (see EventQueries).
        Responses.page(ctx, page.rows(), limit, EventRoutes::view, e -> Long.toString(e.seq()),
                page.scannedDownTo() == null ? null : Long.toString(page.scannedDownTo()));
    }

    private void show(Context ctx) {
        var e = events.get(ctx.pathParam("id"));
        ObjectNode o = view(e);
        var arr = o.putArray("deliveries");
        deliveries.forEvent(e.id()).forEach(d -> arr.add(DeliveryRoutes.view(d)));
        Responses.json(ctx, 200, o);
    }

    private static String firstOf(Context ctx, String a, String b) {
        String v = ctx.queryParam(a);
        return v != null ? v : ctx.queryParam(b);
    }

    static ObjectNode view(EventQueries.StoredEvent e) {
        ObjectNode o = Json.object();
        o.put("id", e.id());
        o.put("type", e.type());
        o.put("source", e.source());
        o.put("course_id", e.courseId());
        o.put("user_id", e.userId());
        o.put("occurred_at", Requests.iso(e.occurredAt()));
        o.put("received_at", Requests.iso(e.receivedAt()));
        o.set("event", Json.read(e.body()));
        return o;
    }
}
