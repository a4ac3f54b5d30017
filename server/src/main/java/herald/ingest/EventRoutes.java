package herald.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.delivery.DeliveryRoutes;
import herald.delivery.DeliveryStore;
import herald.event.Event;
import herald.event.EventParser;
import herald.event.Json;
import herald.store.StoreException;
import herald.web.ApiException;
import herald.web.FieldError;
import herald.web.FieldErrors;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code POST /api/v1/events} (one event or a batch) and reading events back. */
public final class EventRoutes {
    private final EventWriter writer;
    private final EventQueries queries;
    private final DeliveryStore deliveries;
    private final long maxBody;
    private final int maxBatch;
    private final Counter ingested;
    private final Counter duplicates;

    public EventRoutes(EventWriter writer, EventQueries queries, DeliveryStore deliveries, long maxBody, int maxBatch,
                       MeterRegistry metrics) {
        this.writer = writer;
        this.queries = queries;
        this.deliveries = deliveries;
        this.maxBody = maxBody;
        this.maxBatch = maxBatch;
        this.ingested = metrics.counter("herald_events_ingested_total");
        this.duplicates = metrics.counter("herald_events_duplicate_total");
    }

    public void register(RoutesConfig r) {
        r.post("/api/v1/events", this::ingest);
        r.get("/api/v1/events", this::list);
        r.get("/api/v1/events/{id}", this::show);
    }

    private void ingest(Context ctx) {
        JsonNode body = Requests.jsonBody(ctx, maxBody);
        List<Event> events = parse(body);
        List<EventWriter.Outcome> outcomes;
        try {
            outcomes = writer.submit(events).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        } catch (TimeoutException e) {
            throw unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        }
        ObjectNode o = Json.object();
        var ids = o.putArray("ids");
        var dups = o.putArray("duplicates");
        for (EventWriter.Outcome out : outcomes) {
            ids.add(out.id());
            if (out.duplicate()) dups.add(out.id());
        }
        ingested.increment(outcomes.size() - dups.size());
        duplicates.increment(dups.size());
        Responses.json(ctx, 202, o);
    }

    private List<Event> parse(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        List<Event> events = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) throw ApiException.invalid("body", "the batch is empty");
            if (body.size() > maxBatch) {
                throw new ApiException(413, "Content Too Large", "a batch may hold at most " + maxBatch + " events, this one has "
                        + body.size(), List.of(new FieldError("body", "must hold at most " + maxBatch + " events")));
            }
            for (int i = 0; i < body.size(); i++) events.add(EventParser.parse(body.get(i), "[" + i + "]", errors, null));
        } else {
            events.add(EventParser.parse(body, "", errors, null));
        }
        errors.throwIfAny(); // all or nothing: one bad event in a batch stores none
        return events;
    }

    /** A storage failure or overload: nothing was acknowledged, so the client must retry. */
    private static ApiException unavailable(Throwable cause) {
        String detail = cause instanceof EventWriter.OverloadedException
                ? "Herald is busy; retry shortly" : cause instanceof StoreException
                ? "the event store is unavailable; nothing was stored, retry shortly" : "the event could not be stored; retry";
        return new ApiException(503, "Service Unavailable", detail);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String cursor = Requests.cursor(ctx);
        Long before;
        try {
            before = cursor == null ? null : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("cursor", "is not a cursor this API returned");
        }
        var filter = new EventQueries.Filter(ctx.queryParam("type"), ctx.queryParam("source"),
                firstOf(ctx, "course", "course_id"), firstOf(ctx, "user", "user_id"),
                Requests.time(ctx, "since"), Requests.time(ctx, "until"));
        var rows = queries.list(filter, before, limit + 1);
        Responses.page(ctx, rows, limit, e -> view(e), e -> Long.toString(e.seq()));
    }

    private void show(Context ctx) {
        String id = ctx.pathParam("id");
        var e = queries.get(id).orElseThrow(() -> ApiException.notFound("event", id));
        ObjectNode o = view(e);
        var arr = o.putArray("deliveries");
        deliveries.forEvent(id).forEach(d -> arr.add(DeliveryRoutes.view(d)));
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
