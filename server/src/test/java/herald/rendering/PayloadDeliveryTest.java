package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.MoodleFixtures;
import herald.testing.Php;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rendered payloads delivered end to end by a running Herald to real receivers on loopback. */
class PayloadDeliveryTest {

    private static void subscribe(Api api, ObjectNode service, ObjectNode subscription) {
        var svc = api.post("/api/v1/services", service.put("name", "receiver"));
        assertThat(svc.status()).as(svc.text()).isEqualTo(201);
        subscription.put("service_id", svc.json().get("id").asText()).putArray("events").add("*");
        var sub = api.post("/api/v1/subscriptions", subscription);
        assertThat(sub.status()).as(sub.text()).isEqualTo(201);
    }

    @Test
    void aFormServiceReceivesARealFormBodySignedAsSent() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            subscribe(h.api(), Json.object().put("url", receiver.url()).put("content_type", "form").put("token", "tk"),
                    Json.object().put("format", "moodle").put("path", "/moodle"));
            h.api().post("/api/v1/events", Events.courseViewed("form-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            var got = receiver.received().get(0);
            assertThat(got.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
            assertThat(got.body()).startsWith("eventname=%5Ccore%5Cevent%5Ccourse_viewed&component=core&action=viewed")
                    .contains("&objecttable=None&", "&userid=2&", "&token=tk&extra=");
            assertThat(got.header("webhook-signature")).startsWith("v1,");
        }
    }

    @Test
    void getSendsThePayloadInTheQueryStringAndNoBody() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            subscribe(h.api(), Json.object().put("url", receiver.url()), Json.object().put("format", "teachbase")
                    .put("method", "GET").put("path", "/tb?key=1"));
            h.api().post("/api/v1/events", Events.courseViewed("get-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            var got = receiver.received().get(0);
            assertThat(got.method()).isEqualTo("GET");
            assertThat(got.path()).startsWith("/tb?key=1&type=course&event=viewed&data_eventname=");
            assertThat(got.body()).isEmpty();
        }
    }

    @Test
    void aPhpReceiverParsesABracketsFormBackIntoTheNestedPayload() throws Exception {
        // written aside, then renamed: the test never reads a file half-written
        String router = "<?php $f = __DIR__ . '/' . uniqid(); file_put_contents($f, json_encode($_POST));"
                + " rename($f, __DIR__ . '/post-' . basename($f) . '.json'); echo 'ok';";
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Php php = Php.serve(router)) {
            subscribe(h.api(), Json.object().put("url", php.url()).put("content_type", "form").put("form_style", "brackets"),
                    Json.object().put("format", "nosey"));
            ObjectNode event = MoodleFixtures.first("\\core\\event\\course_updated", 162);
            h.api().post("/api/v1/events", event);
            await().atMost(Duration.ofSeconds(10)).until(() -> posted(php.dir()) != null);
            JsonNode post = posted(php.dir());
            assertThat(post.at("/event/eventname").asText()).isEqualTo("\\core\\event\\course_updated");
            assertThat(post.at("/event/other/updatedfields").isObject()).isTrue();
            assertThat(post.at("/record/fullname").asText()).isEqualTo(event.at("/record/fullname").asText());
            assertThat(post.at("/record/id").asText()).isEqualTo(event.at("/record/id").asText());
        }
    }

    private static JsonNode posted(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            var f = files.filter(p -> p.getFileName().toString().startsWith("post-")).findFirst();
            return f.isPresent() ? Json.read(Files.readString(f.get())) : null;
        }
    }

    @Test
    void aPayloadOverTheLimitMakesTheDeliveryDeadWithTheReason() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_MAX_PAYLOAD_BYTES", "2048"));
             Receiver receiver = new Receiver()) {
            subscribe(h.api(), Json.object().put("url", receiver.url()), Json.object().put("format", "moodle"));
            ObjectNode big = Events.courseViewed("big-1");
            big.putObject("other").put("text", "x".repeat(3000));
            h.api().post("/api/v1/events", big);
            h.api().post("/api/v1/events", Events.courseViewed("small-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> status(h.api(), "big-1").get("status").asText().equals("dead"));
            assertThat(status(h.api(), "big-1").get("last_error").asText())
                    .matches("render: the rendered payload is \\d+ bytes, over the limit of 2048 bytes \\(HERALD_MAX_PAYLOAD_BYTES\\)");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            assertThat(receiver.received().get(0).body()).contains("\"eventname\"");
        }
    }

    private static JsonNode status(Api api, String eventId) {
        return api.get("/api/v1/deliveries?event_id=" + eventId).json().get("items").get(0);
    }
}
