package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What users of the seed plugins and of webhook platforms expect of delivery, each shown once. */
class CompletenessTest {

    @Test
    void aFailingReceiverGetsEveryAttemptOfOneDeliveryAndTheBreakerStaysClosed() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.answer(() -> 500);
            // Teachbase's shape (6 requests, then dead) with immediate retries, under the default breaker (5 in 60 s).
            ObjectNode svc = Json.object();
            svc.putObject("retry").putArray("schedule_s").add(0).add(0).add(0).add(0).add(0);
            String id = serviceSubscribedToAll(h.api(), "teachbase-like", receiver.url(), svc);
            h.api().post("/api/v1/events", Events.courseViewed("tb-1"));
            var d = awaitDelivery(h.api(), "tb-1", Duration.ofSeconds(20), x -> x.get("status").asText().equals("dead"));
            assertThat(d.get("attempts")).hasSize(6);
            assertThat(receiver.received()).hasSize(6);
            assertThat(h.api().get("/api/v1/services/" + id).json().get("circuit_breaker").get("state").asText()).isEqualTo("closed");
        }
    }

    @Test
    void theBreakerCanBeResetByHand() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.answer(() -> 503);
            ObjectNode svc = Json.object();
            svc.putObject("circuit_breaker").put("threshold", 2).put("window_s", 60).put("cooldown_s", 3600);
            String id = serviceSubscribedToAll(h.api(), "reset-me", receiver.url(), svc);
            h.api().post("/api/v1/events", List.of(Events.courseViewed("r-1"), Events.courseViewed("r-2")));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    h.api().get("/api/v1/services/" + id).json().get("circuit_breaker").get("state").asText().equals("open"));
            receiver.answer(() -> 200);
            var reset = h.api().post("/api/v1/services/" + id + "/breaker/reset", null);
            assertThat(reset.status()).isEqualTo(200);
            assertThat(reset.json().get("circuit_breaker").get("state").asText()).isEqualTo("closed");
            for (String e : List.of("r-1", "r-2")) {
                awaitDelivery(h.api(), e, Duration.ofSeconds(20), x -> x.get("status").asText().equals("delivered"));
            }
            assertThat(h.api().post("/api/v1/services/svc_nope/breaker/reset", null).status()).isEqualTo(404);
        }
    }

    @Test
    void aDisabledServiceSendsNothingUntilEnabled() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            String id = serviceSubscribedToAll(api, "off", receiver.url(), Json.object().put("enabled", false));
            api.post("/api/v1/events", Events.courseViewed("off-1"));
            Dispatcher dispatcher = h.herald().dispatcher();
            long seen = dispatcher.polls();
            await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.polls() >= seen + 2);
            assertThat(receiver.received()).isEmpty();
            assertThat(api.get("/api/v1/events/off-1").json().get("deliveries")).isEmpty(); // not routed while disabled
            api.post("/api/v1/services/" + id + "/enable", null);
            api.post("/api/v1/events", Events.courseViewed("off-2"));
            awaitDelivery(api, "off-2", Duration.ofSeconds(10), x -> x.get("status").asText().equals("delivered"));
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void patchPutAndDeleteReachTheReceiverAsThemselvesWithTheirBody() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            String id = api.post("/api/v1/services", Json.object().put("name", "verbs").put("url", receiver.url())).json()
                    .get("id").asText();
            for (String method : List.of("PATCH", "PUT", "DELETE")) {
                var sub = Json.object().put("service_id", id).put("method", method).put("path", "/" + method.toLowerCase());
                sub.putArray("events").add("\\core\\event\\course_viewed");
                assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            }
            api.post("/api/v1/events", Events.courseViewed("verbs-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 3);
            for (var r : receiver.received()) {
                assertThat(r.path()).isEqualTo("/" + r.method().toLowerCase());
                assertThat(Json.read(r.body()).get("eventname").asText()).isEqualTo("\\core\\event\\course_viewed");
            }
            assertThat(receiver.received().stream().map(Receiver.Received::method)).containsExactlyInAnyOrder("PATCH", "PUT", "DELETE");
        }
    }

    @Test
    void everyAttemptKeepsTheRequestItSentAndAWaitingDeliveryShowsTheOneItWouldSend() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            serviceSubscribedToAll(api, "kept", receiver.url(), Json.object());
            api.post("/api/v1/events", Events.courseViewed("kept-1"));
            var d = awaitDelivery(api, "kept-1", Duration.ofSeconds(10), x -> x.get("status").asText().equals("delivered"));
            var request = d.get("attempts").get(0).get("request");
            assertThat(request.get("body").asText()).isEqualTo(receiver.received().get(0).body());
            assertThat(d.has("request_preview")).isFalse();
            assertThat(d.get("attempt_count").asInt()).isEqualTo(1);

            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
            api.post("/api/v1/events", Events.courseViewed("kept-2"));
            var waiting = Hooks.onlyDelivery(api, "kept-2");
            assertThat(waiting.get("attempts")).isEmpty();
            var preview = waiting.get("request_preview");
            assertThat(preview.get("method").asText()).isEqualTo("POST");
            assertThat(preview.get("url").asText()).isEqualTo(receiver.url());
            assertThat(preview.get("headers").get("webhook-id").asText()).isEqualTo(waiting.get("id").asText());
            assertThat(Json.read(preview.get("body").asText()).get("id").asText()).isEqualTo("kept-2");
        }
    }

    @Test
    void aDedupeWindowMakesOneDeliveryOfAlikeEvents() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            String id = api.post("/api/v1/services", Json.object().put("name", "dedupe").put("url", receiver.url())).json()
                    .get("id").asText();
            var sub = Json.object().put("service_id", id).put("dedupe_window_s", 60);
            sub.putArray("events").add("*");
            assertThat(api.post("/api/v1/subscriptions", sub).json().get("dedupe_window_s").asInt()).isEqualTo(60);
            // Alike: same eventname, objectid, userid, relateduserid, crud (the id and time differ; 2 and "2" are the same user).
            api.post("/api/v1/events", List.of(Events.courseViewed("dd-1"), Events.courseViewed("dd-2").put("timecreated", 1512961500),
                    Events.courseViewed("dd-3").put("userid", 2)));
            api.post("/api/v1/events", Events.courseViewed("dd-4").put("userid", "9"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            assertThat(api.get("/api/v1/events/dd-2").json().get("deliveries")).isEmpty();
            assertThat(api.get("/api/v1/events/dd-4").json().get("deliveries")).hasSize(1);
            assertThat(api.post("/api/v1/subscriptions", sub.put("dedupe_window_s", 86_401)).status()).isEqualTo(400);
        }
    }
}
