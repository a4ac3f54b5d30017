package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MetricsTest {

    @Test
    void deliveryMetricsAppearOnMetrics() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Hooks.serviceSubscribedToAll(h.api(), "crm", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("m-1"));
            awaitDelivery(h.api(), "m-1", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.api().get("/metrics").text())
                    .contains("herald_delivery_outcomes_total{outcome=\"delivered\"} 1.0")
                    .contains("herald_delivery_attempt_seconds_count{service=\"crm\"} 1")
                    .contains("herald_delivery_attempt_seconds_bucket{service=\"crm\",le=")
                    .contains("herald_delivery_queue_depth 0.0")
                    .contains("herald_delivery_oldest_due_age_seconds 0.0")
                    .contains("herald_circuit_breaker_state{service=\"crm\"} 0.0"));
        }
    }

    /** Each status but delivered is counted from its own partial index; delivered is the rest of the total. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void deliveriesAreCountedByStatus(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
            Hooks.serviceSubscribedToAll(h.api(), "crm", "http://127.0.0.1:9/", null);
            h.api().ingest(Events.courseViewed("count-", 12));
            // 12 pending; give 2 of them each other status.
            h.herald().database().inTransaction(c -> {
                var ids = new ArrayList<String>();
                try (var rs = c.createStatement().executeQuery("SELECT id FROM deliveries ORDER BY id")) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
                String[] statuses = {"retrying", "delivering", "delivered", "dead", "paused"};
                for (int i = 0; i < statuses.length; i++) {
                    try (var ps = c.prepareStatement("UPDATE deliveries SET status = ? WHERE id IN (?, ?)")) {
                        ps.setString(1, statuses[i]);
                        ps.setString(2, ids.get(2 * i));
                        ps.setString(3, ids.get(2 * i + 1));
                        ps.executeUpdate();
                    }
                }
                return null;
            });

            assertThat(new DeliveryStore(h.herald().database()).countByStatus()).isEqualTo(Map.of("pending", 2L,
                    "retrying", 2L, "delivering", 2L, "delivered", 2L, "dead", 2L, "paused", 2L));
            assertThat(h.api().get("/metrics").text()).contains("herald_deliveries{status=\"dead\"} 2.0")
                    .contains("herald_deliveries{status=\"delivered\"} 2.0");
        }
    }
}
