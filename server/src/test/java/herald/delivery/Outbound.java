package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Events;
import java.time.Duration;

/** Steps the outbound-security tests share: a service with a catch-all subscription, one event, its first attempt. */
final class Outbound {
    private Outbound() {}

    /** Creates {@code service} (name and url filled in when absent) subscribed to every event; returns the 201 body. */
    static JsonNode subscribeAll(Api api, String url, ObjectNode service) {
        if (!service.has("name")) service.put("name", "receiver");
        service.put("url", url);
        var created = api.post("/api/v1/services", service);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var sub = Json.object().put("service_id", created.json().get("id").asText());
        sub.putArray("events").add("*");
        assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
        return created.json();
    }

    /** Posts one event and returns its delivery once the first attempt is recorded (with {@code attempts[]}). */
    static JsonNode deliverOne(Api api, String eventId) {
        assertThat(api.post("/api/v1/events", Events.courseViewed(eventId)).status()).isEqualTo(202);
        String deliveryId = api.get("/api/v1/events/" + eventId).json().get("deliveries").get(0).get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                api.get("/api/v1/deliveries/" + deliveryId).json().get("attempts").size() > 0);
        return api.get("/api/v1/deliveries/" + deliveryId).json();
    }
}
