package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void deliveryMetricsAppearOnMetrics() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Hooks.serviceSubscribedToAll(h.api(), "crm", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("m-1"));
            awaitDelivery(h.api(), "m-1", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.api(null).get("/metrics").text())
                    .contains("herald_delivery_outcomes_total{outcome=\"delivered\"} 1.0")
                    .contains("herald_delivery_attempt_seconds_count{service=\"crm\"} 1")
                    .contains("herald_delivery_attempt_seconds_bucket{service=\"crm\",le=")
                    .contains("herald_delivery_queue_depth 0.0")
                    .contains("herald_delivery_oldest_due_age_seconds 0.0")
                    .contains("herald_circuit_breaker_state{service=\"crm\"} 0.0"));
        }
    }
}
