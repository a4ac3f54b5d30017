package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.crypto.Signer;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeliverySwitchTest {

    static String subscribe(Api api, String url, String... events) {
        var svc = api.post("/api/v1/services", Json.object().put("name", "receiver").put("url", url));
        assertThat(svc.status()).isEqualTo(201);
        var sub = Json.object().put("service_id", svc.json().get("id").asText()).put("path", "/hook");
        var arr = sub.putArray("events");
        for (String e : events) arr.add(e);
        assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
        return svc.json().get("signing").get("secret").asText();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theGlobalSwitchHoldsDeliveriesAndReleasesThemWhenTurnedOn(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            subscribe(api, receiver.url(), "\\core\\event\\course_*");
            assertThat(api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).json()
                    .get("deliveries_enabled").asBoolean()).isFalse();

            assertThat(api.post("/api/v1/events", Events.courseViewed("held-1")).status()).isEqualTo(202);
            Dispatcher dispatcher = h.herald().dispatcher();
            long seen = dispatcher.polls();
            await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.polls() >= seen + 2); // it looked, and held
            assertThat(receiver.received()).isEmpty();
            var held = api.get("/api/v1/events/held-1").json().get("deliveries").get(0);
            assertThat(held.get("status").asText()).isEqualTo("pending");

            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", true));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/events/held-1").json()
                    .get("deliveries").get(0).get("status").asText().equals("delivered"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDeliveryIsSignedWithStandardWebhooksHeaders(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            String secret = subscribe(h.api(), receiver.url(), "*");
            h.api().post("/api/v1/events", Events.courseViewed("signed-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            var got = receiver.received().get(0);
            assertThat(got.path()).isEqualTo("/hook");
            assertThat(got.header("User-Agent")).startsWith("Herald/");
            String id = got.header("webhook-id");
            long ts = Long.parseLong(got.header("webhook-timestamp"));
            assertThat(got.header("webhook-signature"))
                    .isEqualTo(Signer.standard(secret, id, ts, got.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(Json.read(got.body()).get("eventname").asText()).isEqualTo("\\core\\event\\course_viewed");
            // The receiver has the request before Herald records the answer: wait for the record.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    h.api().get("/api/v1/deliveries/" + id).json().get("status").asText().equals("delivered"));
            var delivery = h.api().get("/api/v1/deliveries/" + id).json();
            assertThat(delivery.get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);
            // each outcome is counted, beside (not clashing with) the per-status gauge; counted once
            // the outcome is recorded, so a moment after the status shows
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.api().get("/metrics").text())
                    .contains("herald_delivery_outcomes_total{outcome=\"delivered\"} 1.0")
                    .contains("herald_deliveries{status=\"delivered\"}"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailingReceiverIsRetriedUntilItAnswers(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            var failures = new java.util.concurrent.atomic.AtomicInteger(2);
            receiver.answer(() -> failures.getAndDecrement() > 0 ? 500 : 204);
            subscribe(h.api(), receiver.url(), "*");
            // The default schedule's first retry is immediate and the second after 5 s ± 20 %.
            h.api().post("/api/v1/events", Events.courseViewed("flaky-1"));
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 3);
            String id = receiver.received().get(0).header("webhook-id");
            assertThat(receiver.received()).allSatisfy(r -> assertThat(r.header("webhook-id")).isEqualTo(id));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    h.api().get("/api/v1/deliveries/" + id).json().get("status").asText().equals("delivered"));
            assertThat(h.api().get("/api/v1/deliveries/" + id).json().get("attempts")).hasSize(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void filtersDecideWhichEventsAreDelivered(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            var svc = api.post("/api/v1/services", Json.object().put("name", "r").put("url", receiver.url())).json();
            var sub = Json.object().put("service_id", svc.get("id").asText());
            sub.putArray("events").add("\\core\\event\\course_*");
            sub.putObject("filter").putArray("all").addObject().put("path", "courseid").put("equals", 4);
            api.post("/api/v1/subscriptions", sub);
            api.post("/api/v1/events", Events.courseViewed("f-1").put("courseid", "4"));
            api.post("/api/v1/events", Events.courseViewed("f-2").put("courseid", "5"));
            api.post("/api/v1/events", Events.generic("f-3", "user.created"));
            assertThat(api.get("/api/v1/events/f-1").json().get("deliveries")).hasSize(1);
            assertThat(api.get("/api/v1/events/f-2").json().get("deliveries")).isEmpty();
            assertThat(api.get("/api/v1/events/f-3").json().get("deliveries")).isEmpty();
        }
    }
}
