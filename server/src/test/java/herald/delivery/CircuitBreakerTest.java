package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static herald.delivery.Hooks.onlyDelivery;
import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CircuitBreakerTest {

    /** Opens after 2 failures in a minute; retries are immediate so only the breaker holds them. */
    private static ObjectNode breaker(int cooldownS) {
        ObjectNode o = Json.object();
        o.putObject("circuit_breaker").put("threshold", 2).put("window_s", 60).put("cooldown_s", cooldownS);
        var schedule = o.putObject("retry").putArray("schedule_s");
        for (int i = 0; i < 20; i++) schedule.add(0);
        return o;
    }

    private static JsonNode state(Api api, String svc) {
        return api.get("/api/v1/services/" + svc).json().get("circuit_breaker");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void opensHoldsDeliveriesWithoutSpendingAttemptsProbesAndCloses(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            AtomicBoolean healthy = new AtomicBoolean(false);
            receiver.answer(() -> healthy.get() ? 200 : 503);
            String svc = serviceSubscribedToAll(api, "flaky", receiver.url(), breaker(4));
            assertThat(state(api, svc).get("state").asText()).isEqualTo("closed");

            // Two deliveries failing: one delivery's own retries count once (they cannot open it alone).
            api.post("/api/v1/events", java.util.List.of(Events.courseViewed("b-1"), Events.courseViewed("b-1b")));
            await().atMost(Duration.ofSeconds(10)).until(() -> state(api, svc).get("state").asText().equals("open"));
            int calls = receiver.received().size();
            assertThat(calls).isBetween(2, 4); // each failed once or twice before the second one opened it
            assertThat(state(api, svc).get("times_opened").asInt()).isEqualTo(1);
            assertThat(state(api, svc).get("open_until").asText()).isNotEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> h.api().get("/metrics").text()
                    .contains("herald_circuit_breaker_state{service=\"flaky\"} 2.0"));

            // Held: a new event waits with no attempt spent, and nothing reaches the receiver.
            api.post("/api/v1/events", Events.courseViewed("b-2"));
            Dispatcher dispatcher = h.herald().dispatcher();
            long seen = dispatcher.polls();
            await().atMost(Duration.ofSeconds(3)).until(() -> dispatcher.polls() >= seen + 2);
            assertThat(receiver.received()).hasSize(calls);
            assertThat(onlyDelivery(api, "b-2").get("attempts")).isEmpty();
            assertThat(state(api, svc).get("state").asText()).isEqualTo("open");

            // After the cooldown one probe goes; it succeeds, the breaker closes, the rest follows.
            healthy.set(true);
            awaitDelivery(api, "b-1", Duration.ofSeconds(15), d -> d.get("status").asText().equals("delivered"));
            awaitDelivery(api, "b-2", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            assertThat(state(api, svc).get("state").asText()).isEqualTo("closed");
            assertThat(onlyDelivery(api, "b-2").get("attempts")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailedProbeOpensTheBreakerAgain(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            receiver.answer(() -> 500);
            String svc = serviceSubscribedToAll(api, "down", receiver.url(), breaker(1));
            api.post("/api/v1/events", java.util.List.of(Events.courseViewed("p-1"), Events.courseViewed("p-2")));
            await().atMost(Duration.ofSeconds(15)).until(() -> state(api, svc).get("times_opened").asInt() >= 2);
            assertThat(state(api, svc).get("state").asText()).isIn("open", "half_open");
            // Two deliveries' failures opened it (at most two calls each), then each probe was a single call.
            int opened = state(api, svc).get("times_opened").asInt();
            assertThat(receiver.received().size()).isLessThanOrEqualTo(opened + 4);
        }
    }

    @org.junit.jupiter.api.Test
    void theFailuresShownAreThoseOfTheWindowStillRunning() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.answer(() -> 500);
            var settings = Json.object();
            settings.putObject("circuit_breaker").put("threshold", 5).put("window_s", 3).put("cooldown_s", 30);
            settings.putObject("retry").putArray("schedule_s");
            String id = serviceSubscribedToAll(h.api(), "flaky", receiver.url(), settings);
            h.api().post("/api/v1/events", Events.courseViewed("window-1"));
            h.api().post("/api/v1/events", Events.courseViewed("window-2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            // Counted while the window runs, then no more: the stored count waits for the next failure to be reset.
            await().atMost(Duration.ofSeconds(3)).until(() ->
                    h.api().get("/api/v1/services/" + id).json().at("/circuit_breaker/failures").asInt() == 2);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    h.api().get("/api/v1/services/" + id).json().at("/circuit_breaker/failures").asInt() == 0);
            assertThat(h.api().post("/api/v1/services/" + id + "/pause", Json.object()).json().at("/circuit_breaker/failures").asInt())
                    .isZero();
        }
    }
}
