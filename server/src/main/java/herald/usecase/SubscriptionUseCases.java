package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.EventCatalog;
import herald.event.EventParser;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.event.EventQueries;
import herald.ids.Ids;
import herald.outbound.OutboundHeaders;
import herald.outbound.SecretMask;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
    private final AuditLog audit;
    private final OutboundHeaders headers;
    private final EventQueries events;

    /**
     * A preview: the request as the next send would make it, with the service's secrets masked in its
     * URL, headers and body (the moodle format carries the token), and the renderer's warnings.
     */
    public record Preview(String method, String url, String contentType, Map<String, String> headers, String body,
                          List<String> warnings) {}

    public SubscriptionUseCases(Database db, ConfigStore store, FormatRules formats, Renderer renderer, EventCatalog catalog,
                                AuditLog audit, OutboundHeaders headers, EventQueries events) {
        this.audit = audit;
        this.headers = headers;
        this.events = events;
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

    /** The payload formats a subscription may choose. */
    public List<String> formatNames() {
        return List.copyOf(formats.names());
    }

    public Subscription get(String id) {
        return db.read(c -> store.subscription(c, id)).orElseThrow(() -> Problem.notFound("subscription", id));
    }

    /** A new subscription from its API document; its service must exist. */
    public Subscription create(Actor actor, JsonNode body) {
        Subscription parsed = SubscriptionJson.parse(body, null, formats);
        long now = System.currentTimeMillis();
        Subscription s = parsed.withId(Ids.newId("sub"), now, now);
        db.inTransaction(c -> {
            Service svc = store.service(c, s.serviceId()).orElseThrow(() -> unknownService(s.serviceId(), "service_id"));
            store.insertSubscription(c, s);
            audit.record(c, actor, "subscription.created", target(s, svc), null, SubscriptionJson.toJson(s));
            return null;
        });
        return s;
    }

    public Subscription update(Actor actor, String id, JsonNode body, boolean merge) {
        Subscription current = get(id);
        if (merge) body = ServiceUseCases.merged(body, SubscriptionJson.toJson(current));
        Subscription s = SubscriptionJson.parse(body, current, formats)
                .withId(current.id(), current.createdAt(), System.currentTimeMillis());
        db.inTransaction(c -> {
            Service svc = store.service(c, s.serviceId()).orElseThrow(() -> unknownService(s.serviceId(), "service_id"));
            store.updateSubscription(c, s);
            audit.record(c, actor, "subscription.updated", target(s, svc), SubscriptionJson.toJson(current),
                    SubscriptionJson.toJson(s));
            return null;
        });
        return s;
    }

    /** Deletes the subscription; its waiting deliveries become dead letters. */
    public void delete(Actor actor, String id) {
        Subscription current = get(id);
        boolean deleted = db.inTransaction(c -> {
            Service svc = store.service(c, current.serviceId()).orElse(null);
            if (!store.deleteSubscription(c, id)) return false;
            audit.record(c, actor, "subscription.deleted", target(current, svc), SubscriptionJson.toJson(current), null);
            return true;
        });
        if (!deleted) throw Problem.notFound("subscription", id);
    }

    /** In the audit log a subscription is named after its service and its first event ("CRM: user_created +2"). */
    static AuditLog.Target target(Subscription s, Service svc) {
        List<String> events = s.events();
        String what = events.isEmpty() ? "" : events.get(0) + (events.size() > 1 ? " +" + (events.size() - 1) : "");
        return new AuditLog.Target("subscription", s.id(), (svc == null ? s.serviceId() : svc.name()) + ": " + what);
    }

    /**
     * What a subscription would send for an event, without sending or storing anything. {@code body}
     * names the subscription ({@code subscription_id}, or a {@code subscription} spec as for create,
     * whose {@code events} may be left out) and the event ({@code event_type} for the catalog's
     * sample, or an {@code event} document as ingest takes it).
     */
    public Preview preview(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("subscription_id", "subscription", "event_type", "event", "event_id");
        if (f.has("subscription_id") == f.has("subscription")) {
            errors.add("subscription", "give either subscription_id or a subscription spec");
        }
        int eventForms = (f.has("event_type") ? 1 : 0) + (f.has("event") ? 1 : 0) + (f.has("event_id") ? 1 : 0);
        if (eventForms != 1) errors.add("event", "give one of event_type, event_id or an event");
        String eventType = f.string("event_type", false, 255, null);
        String eventId = f.string("event_id", false, 255, null);
        String subscriptionId = f.string("subscription_id", false, 100, null);
        errors.throwIfAny();

        Subscription sub = subscriptionId != null ? get(subscriptionId) : spec(f.raw("subscription"));
        Service svc = db.read(c -> store.service(c, sub.serviceId()))
                .orElseThrow(() -> unknownService(sub.serviceId(), "subscription.service_id"));
        ObjectNode event = eventType != null ? catalog.sample(eventType).orElseThrow(() -> Problem.invalid("event_type",
                "the catalog has no sample for '" + eventType + "'; send an event instead"))
                : eventId != null ? stored(eventId) : event(f.raw("event"));
        try {
            Renderer.Preview p = renderer.preview(eventId, event, svc, sub);
            var r = p.rendered();
            boolean hasBody = r.body().length > 0 || !r.method().equals("GET");
            Map<String, String> sent = headers.build(svc.withExtraHeaders(r.headers()), "msg_preview", System.currentTimeMillis(),
                    hasBody ? r.contentType() : null, OutboundHeaders.signedContent(r.method(), r.url(), r.body()));
            SecretMask mask = SecretMask.of(svc);
            return new Preview(r.method(), mask.mask(r.url()), r.contentType(), OutboundHeaders.shown(sent, svc, mask),
                    mask.mask(new String(r.body(), StandardCharsets.UTF_8)), p.warnings());
        } catch (RenderException e) {
            String field = "template".equals(sub.format()) ? "subscription.template" : "event";
            throw new Problem(Problem.Kind.UNPROCESSABLE, "render: " + e.getMessage(), List.of(new FieldError(field, e.getMessage())));
        }
    }

    private ObjectNode stored(String eventId) {
        JsonNode doc = herald.json.Json.read(events.get(eventId).orElseThrow(() -> Problem.invalid("event_id", "no stored event '"
                + eventId + "'")).body());
        if (!doc.isObject()) throw Problem.invalid("event_id", "the stored event is not a JSON object");
        return (ObjectNode) doc;
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
