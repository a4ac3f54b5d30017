package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.EventCatalog;
import herald.ids.Ids;
import herald.json.Json;
import herald.json.JsonFields;
import herald.outbound.OutboundCall;
import herald.outbound.SecretMask;
import herald.problem.FieldError;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.rendering.RenderException;
import herald.rendering.Renderer;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.FormatRules;
import herald.subscription.Service;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * "Send test event": a sample of a chosen event type, rendered for a service (as one of its
 * subscriptions would, or as the stored event document), sent now through the same outbound path
 * as deliveries (guard, TLS, signature, credentials), and shown whole: the request as sent and the
 * response. Nothing is stored; the {@code webhook-id} starts with {@code test_} so a receiver can tell.
 */
public final class TestSendUseCases {
    public record Exchange(String method, String url, Map<String, String> requestHeaders, String requestBody,
                           Integer status, String responseHeaders, String responseBody, String errorKind, String error,
                           long durationMs, List<String> warnings) {}

    private final Database db;
    private final ConfigStore store;
    private final FormatRules formats;
    private final Renderer renderer;
    private final OutboundCall outbound;
    private final EventCatalog catalog;

    public TestSendUseCases(Database db, ConfigStore store, FormatRules formats, Renderer renderer, OutboundCall outbound,
                            EventCatalog catalog) {
        this.db = db;
        this.store = store;
        this.formats = formats;
        this.renderer = renderer;
        this.outbound = outbound;
        this.catalog = catalog;
    }

    /** {@code body}: {@code {"event_type", "subscription_id"}} (the subscription is optional and must be the service's). */
    public Exchange send(String serviceId, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("event_type", "subscription_id");
        String eventType = f.string("event_type", true, 255, null);
        String subscriptionId = f.string("subscription_id", false, 100, null);
        errors.throwIfAny();
        Service svc = db.read(c -> store.service(c, serviceId)).orElseThrow(() -> Problem.notFound("service", serviceId));
        Subscription sub;
        if (subscriptionId != null && !subscriptionId.isEmpty()) {
            sub = db.read(c -> store.subscription(c, subscriptionId))
                    .filter(s -> s.serviceId().equals(serviceId))
                    .orElseThrow(() -> Problem.invalid("subscription_id", "is not a subscription of this service"));
        } else {
            ObjectNode spec = Json.object().put("service_id", serviceId).put("format", "event");
            spec.putArray("events").add("*");
            sub = SubscriptionJson.parse(spec, null, formats);
        }
        ObjectNode event = catalog.sample(eventType).orElseThrow(() -> Problem.invalid("event_type",
                "the catalog has no sample for '" + eventType + "'"));
        Renderer.Preview preview;
        try {
            preview = renderer.preview(null, event, svc, sub);
        } catch (RenderException e) {
            throw new Problem(Problem.Kind.UNPROCESSABLE, "render: " + e.getMessage(),
                    List.of(new FieldError("event_type", e.getMessage())));
        }
        var r = preview.rendered();
        OutboundCall.Response response;
        try {
            response = outbound.send(svc.withExtraHeaders(r.headers()), new OutboundCall.Request(r.method(), r.url(), r.contentType(), r.body(),
                    "test_" + Ids.newId("msg").substring(4), r.routingKey()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw Problem.unprocessable("url", e.getMessage(), "the request cannot be sent: " + e.getMessage());
        }
        SecretMask mask = SecretMask.of(svc);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        response.sentHeaders().forEach((k, v) -> headers.put(k, mask.mask(v)));
        return new Exchange(r.method(), mask.mask(r.url()), headers, mask.mask(new String(r.body(), StandardCharsets.UTF_8)),
                response.status(), mask.maskAnswer(response.responseHeaders()), mask.maskAnswer(response.excerpt()), response.errorKind(),
                mask.maskAnswer(response.error()), response.durationMs(), preview.warnings());
    }
}
