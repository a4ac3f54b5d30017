package herald.rendering;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;

/** Services and subscriptions built from their API JSON, as an operator would write them. */
final class Specs {
    private Specs() {}

    /** A service from {@code json} laid over a name and URL. */
    static Service service(String json) {
        ObjectNode o = Json.object().put("name", "receiver").put("url", "https://receiver.example/hook");
        o.setAll((ObjectNode) Json.read(json));
        return ServiceJson.parse(o, null);
    }

    static Subscription subscription(String json) {
        ObjectNode o = Json.object().put("service_id", "svc_1");
        o.putArray("events").add("*");
        o.setAll((ObjectNode) Json.read(json));
        return SubscriptionJson.parse(o, null, new Formats());
    }
}
