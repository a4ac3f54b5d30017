package herald.delivery;

import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LimitsTest {

    private static long count(Api api, String status, String svc) {
        return api.get("/api/v1/deliveries?limit=500&status=" + status + "&service_id=" + svc).json().get("items").size();
    }

    @Test
    void aHangingServiceDoesNotDelayAHealthyOne() {
        // Few dispatcher slots, so a hanging service taking them all would show at once.
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_DISPATCHER_CONCURRENCY", "8"));
             Receiver hanging = new Receiver(); Receiver healthy = new Receiver()) {
            hanging.reply(r -> Reply.hang());
            serviceSubscribedToAll(h.api(), "hanging", hanging.url(), Json.object().put("timeout_ms", 60_000));
            serviceSubscribedToAll(h.api(), "healthy", healthy.url(), null);
            long start = System.currentTimeMillis();
            h.api().ingest(Events.courseViewed("iso-", 200));
            await().atMost(Duration.ofSeconds(20)).until(() -> healthy.received().size() == 200);
            long took = healthy.received().getLast().atMillis() - start;
            assertThat(took).as("healthy deliveries took %d ms", took).isLessThan(10_000);
            assertThat(hanging.received()).isNotEmpty();
            // A hanging service holds at most twice the dispatcher's concurrency in open requests (as
            // many started slow, plus the slots' sends that turned slow), even when a claim took many
            // more of its deliveries before any of its sends had turned slow (64 here, before).
            assertThat(hanging.maxConcurrent()).isBetween(1, 16);
        }
    }

    @Test
    void aSlowServiceAtItsCapGetsEveryDeliveryOnceItsSendsFinish() {
        // Slower than SLOW_MS: the first claim takes far more of its deliveries than its cap of slow
        // sends; those beyond it go back unsent (no attempt spent) and are claimed again later.
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_DISPATCHER_CONCURRENCY", "8"));
             Receiver slow = new Receiver()) {
            slow.reply(r -> Reply.status(200).after(300));
            String slowId = serviceSubscribedToAll(h.api(), "slow", slow.url(), null);
            h.api().ingest(Events.courseViewed("cap-", 100));
            await().atMost(Duration.ofSeconds(30)).until(() -> count(h.api(), "delivered", slowId) == 100);
            assertThat(slow.received()).hasSize(100);
            assertThat(slow.received().stream().map(r -> r.header("webhook-id")).distinct()).as("each sent once").hasSize(100);
            assertThat(slow.maxConcurrent()).isBetween(2, 16);
            await().atMost(Duration.ofSeconds(5)).until(() -> h.herald().dispatcher().freeRoom() == 16 * 8); // none leaked
        }
    }

    @Test
    void aDeliveryGivenBackAsTheDispatcherStopsIsReleasedNotLeftLeased() {
        // Given back for its next turn (its service at its bound of slow sends) just as it stops:
        // released at the stop, or it would wait out its lease (5 minutes) after the next start.
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            String svc = serviceSubscribedToAll(h.api(), "sink", receiver.url(), null);
            assertThat(h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
            h.api().ingest(Events.courseViewed("given-back-", 1));
            String id = h.api().get("/api/v1/deliveries?status=pending&service_id=" + svc).json().get("items").get(0).get("id").asText();
            h.herald().database().inTransaction(c -> c.createStatement().executeUpdate(
                    "UPDATE deliveries SET status = 'delivering', lease_until = " + (System.currentTimeMillis() + 300_000) + " WHERE id = '" + id + "'"));
            DeliveryStore store = h.herald().dispatcher().store();
            store.releaseLater(store.get(id).orElseThrow());
            h.restart();
            assertThat(h.api().get("/api/v1/deliveries/" + id).json().get("status").asText()).isEqualTo("pending");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void maxConcurrencyAndRateLimitHold(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver narrow = new Receiver(); Receiver slowRate = new Receiver()) {
            narrow.reply(r -> Reply.status(200).after(30));
            String narrowId = serviceSubscribedToAll(h.api(), "narrow", narrow.url(), Json.object().put("max_concurrency", 2));
            String ratedId = serviceSubscribedToAll(h.api(), "rated", slowRate.url(), Json.object().put("rate_limit_per_s", 5));
            h.api().ingest(Events.courseViewed("lim-", 20));
            await().atMost(Duration.ofSeconds(30)).until(() -> narrow.received().size() == 20 && slowRate.received().size() == 20);
            assertThat(narrow.maxConcurrent()).isBetween(1, 2);
            // 5 per second with a burst of 5: the last 15 need at least 3 seconds.
            long span = slowRate.received().getLast().atMillis() - slowRate.received().getFirst().atMillis();
            assertThat(span).isGreaterThanOrEqualTo(2_500);
            await().atMost(Duration.ofSeconds(5)).until(() -> count(h.api(), "delivered", narrowId) == 20
                    && count(h.api(), "delivered", ratedId) == 20);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aPausedServiceKeepsItsDeliveriesUntilResumed(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            String svc = serviceSubscribedToAll(api, "paused", receiver.url(), null);
            var paused = api.post("/api/v1/services/" + svc + "/pause", null);
            assertThat(paused.status()).isEqualTo(200);
            assertThat(paused.json().get("paused").asBoolean()).isTrue();
            assertThat(api.get("/api/v1/services/" + svc).json().get("paused").asBoolean()).isTrue();
            api.ingest(Events.courseViewed("pause-", 5));
            await().atMost(Duration.ofSeconds(10)).until(() -> count(api, "paused", svc) == 5);
            assertThat(receiver.received()).isEmpty();

            assertThat(api.post("/api/v1/services/" + svc + "/resume", null).json().get("paused").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 5);
            await().atMost(Duration.ofSeconds(5)).until(() -> count(api, "delivered", svc) == 5);
            assertThat(api.post("/api/v1/services/svc_nope/pause", null).status()).isEqualTo(404);
        }
    }
}
