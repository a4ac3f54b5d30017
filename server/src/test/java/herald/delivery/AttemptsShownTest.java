package herald.delivery;

import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptsShownTest {
    @Test
    void aDeliveryShowsItsNewestHundredAttemptsOldestFirst() {
        // Each attempt keeps up to 64 KiB of what was sent, and replays start the count afresh: a
        // delivery replayed again and again had no bound on what its page and GET held.
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            serviceSubscribedToAll(h.api(), "sink", "http://127.0.0.1:9/", null);
            assertThat(h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
            h.api().ingest(List.of(Events.courseViewed("many-attempts")));
            String id = h.api().get("/api/v1/deliveries?event_id=many-attempts").json().get("items").get(0).get("id").asText();
            List<Attempt> attempts = new ArrayList<>();
            for (int i = 0; i < DeliveryStore.SHOWN_ATTEMPTS + 30; i++) {
                attempts.add(new Attempt("att_" + String.format("%05d", i), id, 1_000L + i, 5, 503, null, null, "{}", "{}",
                        "busy", "POST", "http://127.0.0.1:9/", "{}"));
            }
            DeliveryStore store = h.herald().dispatcher().store();
            h.herald().database().inTransaction(c -> {
                store.insertAttempts(c, attempts);
                return null;
            });
            var shown = h.api().get("/api/v1/deliveries/" + id).json().get("attempts");
            assertThat(shown).hasSize(DeliveryStore.SHOWN_ATTEMPTS);
            assertThat(shown.get(0).get("id").asText()).isEqualTo("att_00030");
            assertThat(shown.get(shown.size() - 1).get("id").asText()).isEqualTo("att_00129");
        }
    }
}
