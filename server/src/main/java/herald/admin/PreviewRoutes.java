package herald.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.SampleEvents;
import herald.event.EventParser;
import herald.event.Json;
import herald.rendering.RenderException;
import herald.rendering.Renderer;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import herald.web.ApiException;
import herald.web.FieldError;
import herald.web.FieldErrors;
import herald.web.JsonFields;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code POST /api/v1/subscriptions/preview}: what a subscription would send for an event, without
 * sending or storing anything. The body names the subscription ({@code subscription_id}, or a
 * {@code subscription} spec as for create, whose {@code events} may be left out) and the event
 * ({@code event_type} for the catalog's sample, or an {@code event} document as ingest takes it).
 */
public final class PreviewRoutes {
    private final Database db;
    private final ConfigStore store;
    private final Renderer renderer;
    private final SampleEvents samples;
    private final long maxBody;

    public PreviewRoutes(Database db, ConfigStore store, Renderer renderer, SampleEvents samples, long maxBody) {
        this.db = db;
        this.store = store;
        this.renderer = renderer;
        this.samples = samples;
        this.maxBody = maxBody;
    }

    public void register(RoutesConfig r) {
        r.post("/api/v1/subscriptions/preview", this::preview);
    }

    private void preview(Context ctx) {
        JsonNode in = Requests.jsonBody(ctx, maxBody);
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(in, "", errors);
        f.rejectUnknown("subscription_id", "subscription", "event_type", "event");
        if (f.has("subscription_id") == f.has("subscription")) {
            errors.add("subscription", "give either subscription_id or a subscription spec");
        }
        if (f.has("event_type") == f.has("event")) errors.add("event", "give either event_type or an event");
        String eventType = f.string("event_type", false, 255, null);
        String subscriptionId = f.string("subscription_id", false, 100, null);
        errors.throwIfAny();

        Subscription sub = subscriptionId != null ? existing(subscriptionId) : spec(f.raw("subscription"));
        Service svc = db.read(c -> store.service(c, sub.serviceId())).orElseThrow(() -> new ApiException(422,
                "Unprocessable Content", "service_id: no service '" + sub.serviceId() + "'",
                List.of(new FieldError("subscription.service_id", "no service with this id"))));
        ObjectNode event = eventType != null ? samples.of(eventType).orElseThrow(() -> ApiException.invalid("event_type",
                "the catalog has no sample for '" + eventType + "'; send an event instead")) : event(f.raw("event"));

        try {
            Renderer.Preview p = renderer.preview(event, svc, sub);
            ObjectNode o = Json.object();
            o.put("method", p.rendered().method());
            o.put("url", p.rendered().url());
            o.put("content_type", p.rendered().contentType());
            o.put("body", new String(p.rendered().body(), StandardCharsets.UTF_8));
            p.warnings().forEach(o.putArray("warnings")::add);
            Responses.json(ctx, 200, o);
        } catch (RenderException e) {
            String field = "template".equals(sub.format()) ? "subscription.template" : "event";
            throw new ApiException(422, "Unprocessable Content", "render: " + e.getMessage(),
                    List.of(new FieldError(field, e.getMessage())));
        }
    }

    private Subscription existing(String id) {
        return db.read(c -> store.subscription(c, id)).orElseThrow(() -> ApiException.notFound("subscription", id));
    }

    /** A spec as for create; events default to all, since a preview does not route. */
    private static Subscription spec(JsonNode raw) {
        if (!raw.isObject()) throw ApiException.invalid("subscription", "must be a JSON object");
        ObjectNode spec = ((ObjectNode) raw).deepCopy();
        if (!spec.has("events")) spec.putArray("events").add("*");
        try {
            return SubscriptionJson.parse(spec, null);
        } catch (ApiException e) {
            FieldErrors nested = new FieldErrors();
            for (FieldError fe : e.errors()) {
                if (fe.line() != null) nested.add("subscription." + fe.field(), fe.message(), fe.line(), fe.column());
                else nested.add("subscription." + fe.field(), fe.message());
            }
            nested.throwIfAny();
            throw e;
        }
    }

    /** An event as ingest would store it: validated and completed by the same parser. */
    private static ObjectNode event(JsonNode raw) {
        FieldErrors errors = new FieldErrors();
        JsonNode copy = raw.deepCopy();
        var parsed = EventParser.parse(copy, "event", errors, null);
        errors.throwIfAny();
        return parsed.body();
    }
}
