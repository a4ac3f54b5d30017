package herald.delivery;

import herald.outbound.OutboundHeaders;
import herald.outbound.SecretMask;
import herald.rendering.RenderException;
import herald.rendering.Rendered;
import herald.rendering.Renderer;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import herald.subscription.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The request a delivery would send if it were sent now: rendered from its event with its
 * subscription's and service's current settings, signed now, secrets masked as the attempt log
 * keeps them. For a delivery not yet attempted, what an operator wants to see before it goes.
 */
public final class RequestPreview {
    /** The request, or why it cannot be built ({@code error} set, the rest null). */
    public record Request(String method, String url, Map<String, String> headers, String body, String error) {}

    private final Database db;
    private final ConfigStore configs;
    private final DeliveryStore store;
    private final Renderer renderer;
    private final OutboundHeaders headers;

    public RequestPreview(Database db, ConfigStore configs, DeliveryStore store, Renderer renderer, OutboundHeaders headers) {
        this.db = db;
        this.configs = configs;
        this.store = store;
        this.renderer = renderer;
        this.headers = headers;
    }

    public Request of(Delivery d) {
        if (Gateway.isGateway(d)) return ofGateway(d);
        Optional<Service> svc = db.read(c -> configs.service(c, d.serviceId()));
        Optional<Subscription> sub = db.read(c -> configs.subscription(c, d.subscriptionId()));
        String body = store.bodiesWithin("events", "body", java.util.List.of(d.eventId()), Long.MAX_VALUE).read().get(d.eventId());
        if (svc.isEmpty() || sub.isEmpty() || body == null) {
            return new Request(null, null, null, null, svc.isEmpty() ? "service deleted"
                    : sub.isEmpty() ? "subscription deleted" : "event missing");
        }
        Rendered r;
        try {
            r = renderer.render(d.eventId(), body, svc.get(), sub.get());
        } catch (RenderException e) {
            return new Request(null, null, null, null, "render: " + e.getMessage());
        }
        boolean hasBody = r.body().length > 0 || !r.method().equals("GET");
        Map<String, String> sent = headers.build(svc.get().withExtraHeaders(r.headers()), d.id(), System.currentTimeMillis(),
                hasBody ? r.contentType() : null, OutboundHeaders.signedContent(r.method(), r.url(), r.body()));
        SecretMask mask = SecretMask.of(svc.get());
        return new Request(r.method(), mask.mask(r.url()), OutboundHeaders.shown(sent, svc.get(), mask),
                mask.mask(new String(r.body(), StandardCharsets.UTF_8)), null);
    }

    /** A gateway call's next request: its stored request with the service's current settings. */
    private Request ofGateway(Delivery d) {
        Optional<Service> svc = db.read(c -> configs.service(c, d.serviceId()));
        String stored = db.read(c -> {
            try (var ps = c.prepareStatement("SELECT request FROM gateway_requests WHERE id = ?")) {
                ps.setString(1, d.eventId());
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        if (svc.isEmpty() || stored == null) return new Request(null, null, null, null, svc.isEmpty() ? "service deleted" : "request missing");
        try {
            var doc = herald.json.Json.read(stored);
            var req = Gateway.request(svc.get(), doc, d.id());
            Service sending = svc.get().withExtraHeaders(Gateway.headers(doc));
            boolean hasBody = req.body().length > 0 || !req.method().equals("GET");
            Map<String, String> sent = headers.build(sending, d.id(), System.currentTimeMillis(), hasBody ? req.contentType() : null,
                    OutboundHeaders.signedContent(req.method(), req.url(), req.body()));
            SecretMask mask = SecretMask.of(sending);
            return new Request(req.method(), mask.mask(req.url()), OutboundHeaders.shown(sent, sending, mask),
                    mask.mask(new String(req.body(), StandardCharsets.UTF_8)), null);
        } catch (RenderException e) {
            return new Request(null, null, null, null, "render: " + e.getMessage());
        }
    }
}
