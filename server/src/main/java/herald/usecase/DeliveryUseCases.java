package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.delivery.Attempt;
import herald.delivery.Delivery;
import herald.delivery.DeliveryFilter;
import herald.delivery.DeliveryStore;
import herald.delivery.RequestPreview;
import herald.json.JsonFields;
import herald.json.Times;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.text.Words;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Deliveries and dead letters: look at them and their attempts, retry one, replay many by filter, delete. */
public final class DeliveryUseCases {
    /** Most deliveries one replay request may make due; a larger set takes several requests. */
    public static final int MAX_REPLAY = 100_000;

    /**
     * A delivery with every attempt made so far, oldest first, and (unless it was delivered) the
     * request it would send now; {@code preview} is null for a delivered one.
     */
    /** {@code ordering}: its ordering key and the delivery it waits for, when its subscription orders by key (else null). */
    public record DeliveryDetail(Delivery delivery, List<Attempt> attempts, RequestPreview.Request preview,
                                 DeliveryStore.Ordering ordering) {}

    private final DeliveryStore store;
    private final Runnable wake;
    private final RequestPreview previews;

    /** {@code wake}: tells the dispatchers that deliveries became due (the CLI, with none running, gives a no-op). */
    private final AuditLog audit;

    public DeliveryUseCases(DeliveryStore store, Runnable wake, RequestPreview previews, AuditLog audit) {
        this.audit = audit;
        this.store = store;
        this.wake = wake;
        this.previews = previews;
    }

    /** Newest first before {@code beforeId}; dead letters are {@code status = dead}. */
    public List<Delivery> list(DeliveryFilter filter, String beforeId, int limit) {
        if (filter.status() != null && !Delivery.STATUSES.contains(filter.status())) {
            throw Problem.invalid("status", "must be one of " + String.join(", ", Delivery.STATUSES.stream().sorted().toList()));
        }
        return store.list(filter, beforeId, limit);
    }

    public DeliveryDetail get(String id) {
        Delivery d = find(id);
        return new DeliveryDetail(d, store.attempts(id), d.status().equals("delivered") ? null : previews.of(d), store.ordering(id));
    }

    public List<Delivery> forEvent(String eventId) {
        return store.forEvent(eventId);
    }

    /** Makes the delivery due now with a fresh retry schedule; it keeps its id, hence its {@code webhook-id}. */
    public Delivery retry(Actor actor, String id) {
        Delivery d = find(id);
        if (!store.retryNow(id)) {
            throw new Problem(Problem.Kind.CONFLICT, "delivery " + id + (d.status().equals("paused")
                    ? " waits for its service to be resumed" : " is being delivered right now") + " (status " + d.status() + ")");
        }
        audit.record(actor, "delivery.retried", target(d), null, null);
        wake.run();
        return find(id);
    }

    /**
     * Makes the deliveries {@code body} selects due now (its fields are filters; {@code status}
     * defaults to dead, {@code limit} to {@link #MAX_REPLAY}); returns how many.
     */
    public int replay(Actor actor, JsonNode body) {
        Replay r = replayRequest(body);
        int[] done = {0};
        try {
            store.replay(r.filter(), r.max(), n -> done[0] += n);
        } catch (RuntimeException e) {
            // Stopped part way (the database gone): what was replayed stays replayed, and is recorded.
            if (done[0] > 0) replayed(actor, body, done[0]);
            throw e;
        }
        replayed(actor, body, done[0]);
        return done[0];
    }

    private void replayed(Actor actor, JsonNode body, int n) {
        audit.record(actor, "deliveries.replayed", new AuditLog.Target("deliveries", null, Words.count(n, "delivery", "deliveries")), null,
                replayJson(body, n));
        if (n > 0) wake.run();
    }

    /** How many deliveries the same {@code body} would replay now, changing nothing. */
    public int countReplay(JsonNode body) {
        Replay r = replayRequest(body);
        return store.countReplayable(r.filter(), r.max());
    }

    private record Replay(DeliveryFilter filter, int max) {}

    private static com.fasterxml.jackson.databind.node.ObjectNode replayJson(JsonNode body, int n) {
        var o = body != null && body.isObject() ? ((com.fasterxml.jackson.databind.node.ObjectNode) body).deepCopy()
                : herald.json.Json.object();
        return o.put("replayed", n);
    }

    private Replay replayRequest(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("status", "service_id", "subscription_id", "event_id", "event_type", "course_id", "user_id",
                "since", "until", "error", "limit");
        String status = f.oneOf("status", "dead", "dead", "delivered", "retrying", "pending");
        var filter = new DeliveryFilter(status, f.string("service_id", false, 100, null),
                f.string("subscription_id", false, 100, null), f.string("event_id", false, 255, null),
                f.string("event_type", false, 255, null), id(f, "course_id"), id(f, "user_id"), time(f, "since"),
                time(f, "until"), f.string("error", false, 1000, null));
        int max = f.integer("limit", 1, MAX_REPLAY, MAX_REPLAY);
        errors.throwIfAny();
        return new Replay(filter, max);
    }

    public void delete(Actor actor, String id) {
        Delivery d = find(id);
        if (!store.delete(id)) throw Problem.notFound("delivery", id);
        audit.record(actor, "delivery.deleted", target(d), null, null);
    }

    private static AuditLog.Target target(Delivery d) {
        return new AuditLog.Target("delivery", d.id(), d.eventId());
    }

    private Delivery find(String id) {
        return store.get(id).orElseThrow(() -> Problem.notFound("delivery", id));
    }

    /** An id as clients write it: a string, or a number (Moodle's ids are numbers in one event and strings in the next). */
    private static String id(JsonFields f, String field) {
        JsonNode v = f.raw(field);
        if (v != null && v.isIntegralNumber()) return v.asText();
        return f.string(field, false, 255, null);
    }

    private static Long time(JsonFields f, String field) {
        String raw = f.string(field, false, 64, null);
        if (raw == null) return null;
        try {
            return Times.epochMillis(raw);
        } catch (DateTimeParseException e) {
            f.errors().add(f.path(field), Times.EXPECTED);
            return null;
        }
    }
}
