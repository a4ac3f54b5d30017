package herald.ops;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Herald's own events: an outage of a receiver makes a handful of herald.* events that route like any other. */
class OperationalEventsTest {

    private static List<String> typesReceived(Receiver r) {
        List<String> types = new ArrayList<>();
        for (Receiver.Received got : r.received()) types.add(Json.read(got.body()).get("type").asText());
        return types;
    }

    private static void subscribe(Api api, String serviceId, String events) {
        ObjectNode sub = Json.object().put("service_id", serviceId).put("format", "event");
        sub.putArray("events").add(events);
        assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
    }

    @Test
    void anOutageIsToldOnceWhenItStartsAndOnceWhenItEnds() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE, java.util.Map.of("HERALD_OPS_FAILURES", "4"));
             Receiver crm = new Receiver(); Receiver ops = new Receiver()) {
            AtomicInteger answer = new AtomicInteger(503);
            crm.answer(answer::get);
            Api api = h.api();
            ObjectNode svc = Json.object().put("name", "crm").put("url", crm.url());
            svc.putObject("retry").putArray("schedule_s").add(1).add(1).add(1).add(1).add(1).add(1).add(1).add(1);
            svc.putObject("circuit_breaker").put("threshold", 3).put("window_s", 60).put("cooldown_s", 1);
            String crmId = api.post("/api/v1/services", svc).json().get("id").asText();
            subscribe(api, crmId, "course.*");
            String opsId = api.post("/api/v1/services", Json.object().put("name", "ops-chat").put("url", ops.url())).json().get("id").asText();
            subscribe(api, opsId, "herald.*");

            List<ObjectNode> burst = new ArrayList<>();
            for (int i = 0; i < 30; i++) burst.add(Events.generic("outage-" + i, "course.viewed"));
            api.post("/api/v1/events", burst);
            // two events, delivered each on its own: either may arrive first
            await().atMost(Duration.ofSeconds(30)).until(() -> typesReceived(ops).containsAll(
                    List.of("herald.breaker.opened", "herald.service.failing")));

            answer.set(200); // the receiver comes back: the next probe closes the breaker, the queue drains
            await().atMost(Duration.ofSeconds(30)).until(() -> typesReceived(ops).containsAll(
                    List.of("herald.breaker.closed", "herald.service.recovered")));
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/deliveries?status=retrying&limit=500").json()
                    .get("items").isEmpty());
            // dozens of failed attempts, four events: opened, failing, closed, recovered
            assertThat(crm.received().size()).isGreaterThan(10);
            assertThat(typesReceived(ops)).containsExactlyInAnyOrder("herald.breaker.opened", "herald.service.failing",
                    "herald.breaker.closed", "herald.service.recovered");
            JsonNode failing = ops.received().stream().map(r -> Json.read(r.body())).filter(e -> e.get("type").asText()
                    .equals("herald.service.failing")).findFirst().orElseThrow();
            assertThat(failing.get("source").asText()).isEqualTo("herald");
            assertThat(failing.at("/data/service_name").asText()).isEqualTo("crm");
            assertThat(failing.at("/data/last_error").asText()).isEqualTo("HTTP 503");
            assertThat(failing.at("/data/consecutive_failures").asInt()).isEqualTo(4); // HERALD_OPS_FAILURES
        }
    }

    @Test
    void aFailingSourceIsToldOnceAnHourAndTheCatalogDescribesEveryKind() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            var source = Json.object().put("name", "moodle-down").put("jdbc_url", "jdbc:postgresql://127.0.0.1:1/moodle")
                    .put("user", "moodle").put("password", "x");
            var created = api.post("/api/v1/sources", source);
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    api.get("/api/v1/sources/" + id + "/status").json().path("state").asText().equals("backing_off"));

            long now = System.currentTimeMillis();
            h.herald().operationalEvents().watch(now);
            h.herald().operationalEvents().watch(now + 1000); // the same hour: the same event
            String eventId = "herald.source.failing-" + id + "-h" + now / 3_600_000L;
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/events/" + eventId).status() == 200);
            JsonNode event = api.get("/api/v1/events/" + eventId).json();
            assertThat(event.at("/event/data/source_name").asText()).isEqualTo("moodle-down");
            assertThat(event.at("/event/data/kind").asText()).isEqualTo("moodle");
            assertThat(api.get("/api/v1/events?type=herald.source.failing").json().get("items")).hasSize(1);

            for (String type : List.of("herald.service.failing", "herald.service.recovered", "herald.breaker.opened", "herald.breaker.closed",
                    "herald.subscription.disabled", "herald.source.failing", "herald.source.lagging", "herald.dead_letters.piling")) {
                var entry = api.get("/api/v1/event-types/" + type);
                assertThat(entry.status()).as(type).isEqualTo(200);
                assertThat(entry.json().path("sample").path("data").isObject()).as(type).isTrue();
            }
        }
    }
    @Test
    void aGoneReceiverAndPilingDeadLettersAreToldToo() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver gone = new Receiver(); Receiver down = new Receiver();
             Receiver ops = new Receiver()) {
            gone.answer(() -> 410);
            down.answer(() -> 500);
            Api api = h.api();
            String goneId = api.post("/api/v1/services", Json.object().put("name", "old-crm").put("url", gone.url())).json().get("id").asText();
            subscribe(api, goneId, "user.*");
            ObjectNode once = Json.object().put("name", "flaky").put("url", down.url());
            once.putObject("retry").putArray("schedule_s");
            once.putObject("circuit_breaker").put("threshold", 10_000);
            String downId = api.post("/api/v1/services", once).json().get("id").asText();
            subscribe(api, downId, "course.*");
            String opsId = api.post("/api/v1/services", Json.object().put("name", "ops-chat").put("url", ops.url())).json().get("id").asText();
            subscribe(api, opsId, "herald.*");

            api.post("/api/v1/events", Events.generic("gone-1", "user.created"));
            List<ObjectNode> many = new ArrayList<>();
            for (int i = 0; i < 100; i++) many.add(Events.generic("dl-" + i, "course.viewed"));
            api.post("/api/v1/events", many);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    api.get("/api/v1/deliveries?status=dead&service_id=" + downId + "&limit=500").json().get("items").size() == 100);
            h.herald().operationalEvents().watch(System.currentTimeMillis());
            await().atMost(Duration.ofSeconds(20)).until(() -> typesReceived(ops).containsAll(
                    List.of("herald.subscription.disabled", "herald.dead_letters.piling")));
            JsonNode piling = ops.received().stream().map(r -> Json.read(r.body()))
                    .filter(e -> e.get("type").asText().equals("herald.dead_letters.piling")).findFirst().orElseThrow();
            assertThat(piling.at("/data/service_id").asText()).isEqualTo(downId);
            assertThat(piling.at("/data/dead_letters_last_hour").asInt()).isEqualTo(100);
            h.herald().operationalEvents().watch(System.currentTimeMillis()); // the same hour: told once
            assertThat(typesReceived(ops).stream().filter(t -> t.equals("herald.dead_letters.piling")).count()).isEqualTo(1);
        }
    }
}
