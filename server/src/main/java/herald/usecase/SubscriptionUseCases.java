package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.EventCatalog;
import herald.event.EventParser;
import herald.ids.Ids;
import herald.json.JsonFields;
import herald.problem.FieldError;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.rendering.RenderException;
import herald.rendering.Renderer;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.EventSelector;
import herald.subscription.FormatRules;
import herald.subscription.Service;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import java.util.List;

/** Subscriptions (which events a service gets, in what shape): create, change, delete, and preview what one sends. */
public final class SubscriptionUseCases {
    private final Database db;
    private final ConfigStore store;
    private final FormatRules formats;
    private final Renderer renderer;
    private final EventCatalog catalog;

    public SubscriptionUseCases(Database db, ConfigStore store, FormatRules formats, Renderer renderer, EventCatalog catalog) {
        this.db = db;
        this.store = store;
        this.formats = formats;
        this.renderer = renderer;
        this.catalog = catalog;
    }

    /** Newest first after {@code afterId}, of one service or all ({@code serviceId} null). */
    public List<Subscription> list(String serviceId, String afterId, int limit) {
        return db.read(c -> store.subscriptions(c, serviceId, afterId, limit));
    }

    /**
     * The subscriptions that would receive an event named {@code eventName} (local_webhooks'
     * {@code search_services_by_event}): enabled, of an enabled service, selecting the name. A
     * subscription's filter on the event's fields may still leave a given event out.
     */
    public List<Subscription> receiving(String eventName, String serviceId, String afterId, int limit) {
        return db.read(c -> {
            var enabledServices = new java.util.HashSet<String>();
            for (var s : store.allServices(c)) if (s.enabled()) enabledServices.add(s.id());
            List<Subscription> out = new java.util.ArrayList<>();
            for (Subscription s : store.subscriptions(c, serviceId, afterId, Integer.MAX_VALUE)) {
                if (out.size() >= limit) break;
                if (s.enabled() && enabledServices.contains(s.serviceId()) && new EventSelector(s.events()).matches(eventName)) {
                    out.add(s);
                }
            }
            return out;
        });
    }

    public Subscription get(String id) {
        return db.read(c -> store.subscription(c, id)).orElseThrow(() -> Problem.notFound("subscription", id));
    }

    /** A new subscription from its API document; its service must exist. */
    public Subscription create(JsonNode body) {
        Subscription parsed = SubscriptionJson.parse(body, null, formats);
        long now = System.currentTimeMillis();
        Subscription s = parsed.withId(Ids.newId("sub"), now, now);
        db.inTransaction(c -> {
            if (store.service(c, s.serviceId()).isEmpty()) throw unknownService(s.serviceId(), "service_id");
            store.insertSubscription(c, s);
            return null;
        });
        return s;
    }

    public Subscription update(String id, JsonNode body, boolean merge) {
        Subscription current = get(id);
        if (merge) body = ServiceUseCases.merged(body, SubscriptionJson.toJson(current));
        Subscription s = SubscriptionJson.parse(body, current, formats)
                .withId(current.id(), current.createdAt(), System.currentTimeMillis());
        db.inTransaction(c -> {
            if (store.service(c, s.serviceId()).isEmpty()) throw unknownService(s.serviceId(), "service_id");
            return store.updateSubscription(c, s);
        });
        return s;
    }

    /** Deletes the subscription; its waiting deliveries become dead letters. */
    public void delete(String id) {
        if (!db.inTransaction(c -> store.deleteSubscription(c, id))) throw Problem.notFound("subscription", id);
    }

    /**
     * What a subscription would send for an event, without sending or storing anything. {@code body}
     * names the subscription ({@code subscription_id}, or a {@code subscription} spec as for create,
     * whose {@code events} may be left out) and the event ({@code event_type} for the catalog's
     * sample, or an {@code event} document as ingest takes it).
     */
    public Renderer.Preview preview(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("subscription_id", "subscription", "event_type", "event");
        if (f.has("subscription_id") == f.has("subscription")) {
            errors.add("subscription", "give either subscription_id or a subscription spec");
        }
        if (f.has("event_type") == f.has("event")) errors.add("event", "give either event_type or an event");
        String eventType = f.string("event_type", false, 255, null);
        String subscriptionId = f.string("subscription_id", false, 100, null);
        errors.throwIfAny();

        Subscription sub = subscriptionId != null ? get(subscriptionId) : spec(f.raw("subscription"));
        Service svc = db.read(c -> store.service(c, sub.serviceId()))
                .orElseThrow(() -> unknownService(sub.serviceId(), "subscription.service_id"));
        ObjectNode event = eventType != null ? catalog.sample(eventType).orElseThrow(() -> Problem.invalid("event_type",
                "the catalog has no sample for '" + eventType + "'; send an event instead")) : event(f.raw("event"));
        try {
            return renderer.preview(event, svc, sub);
        } catch (RenderException e) {
            String field = "template".equals(sub.format()) ? "subscription.template" : "event";
            throw new Problem(Problem.Kind.UNPROCESSABLE, "render: " + e.getMessage(), List.of(new FieldError(field, e.getMessage())));
        }
    }

    /** A spec as for create; events default to all, since a preview does not route. */
    private Subscription spec(JsonNode raw) {
        if (!raw.isObject()) throw Problem.invalid("subscription", "must be a JSON object");
        ObjectNode spec = ((ObjectNode) raw).deepCopy();
        if (!spec.has("events")) spec.putArray("events").add("*");
        try {
            return SubscriptionJson.parse(spec, null, formats);
        } catch (Problem e) {
            throw Problems.nested(e, "subscription");
        }
    }

    /** An event as ingest would store it: validated and completed by the same parser. */
    private static ObjectNode event(JsonNode raw) {
        FieldErrors errors = new FieldErrors();
        var parsed = EventParser.parse(raw.deepCopy(), "event", errors, null);
        errors.throwIfAny();
        return parsed.body();
    }

    private static Problem unknownService(String id, String field) {
        return Problem.unprocessable(field, "no service with this id", "service_id: no service '" + id + "'");
    }
}
