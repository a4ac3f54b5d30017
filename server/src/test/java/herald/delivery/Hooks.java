package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.testing.Api;
import java.time.Duration;
import java.util.function.Predicate;

/** Test shorthand for services, subscriptions and waiting on a delivery's state through the API. */
final class Hooks {
    private Hooks() {}

    /** Creates a service (name, url, then any more fields) and a subscription to every event; returns the service id. */
    static String serviceSubscribedToAll(Api api, String name, String url, ObjectNode more) {
        return api.serviceSubscribedToAll(name, url, more);
    }

    static JsonNode onlyDelivery(Api api, String eventId) {
        var deliveries = api.get("/api/v1/events/" + eventId).json().get("deliveries");
        assertThat(deliveries).hasSize(1);
        return api.get("/api/v1/deliveries/" + deliveries.get(0).get("id").asText()).json();
    }

    /** Waits until the event's one delivery (with its attempts) satisfies {@code until}, and returns it. */
    static JsonNode awaitDelivery(Api api, String eventId, Duration atMost, Predicate<JsonNode> until) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(atMost).until(() -> until.test(last[0] = onlyDelivery(api, eventId)));
        return last[0];
    }

    static int freePort() {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
