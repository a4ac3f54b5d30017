package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One consistent API: problem types, filter names, the catalog, previews that say what they could not fill. */
class ConsistentApiTest {
    static TestHerald herald;
    static Api api;
    static String serviceId;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE);
        api = herald.api();
        serviceId = api.post("/api/v1/services", Json.object().put("name", "c").put("url", "http://127.0.0.1:1/")).json()
                .get("id").asText();
        api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @Test
    void everyProblemHasAHeraldType() {
        assertThat(api.get("/api/v1/services/svc_none").json().get("type").asText()).isEqualTo("urn:herald:problem:not-found");
        assertThat(herald.api(null).get("/api/v1/services").json().get("type").asText())
                .isEqualTo("urn:herald:problem:unauthenticated");
        assertThat(api.post("/api/v1/services", Json.object().put("name", "c").put("url", "http://127.0.0.1:2/")).json()
                .get("type").asText()).isEqualTo("urn:herald:problem:conflict");
        assertThat(api.post("/api/v1/events", "[").json().get("type").asText()).isEqualTo("urn:herald:problem:invalid-request");
        assertThat(api.get("/api/v1/nothing-here").json().get("type").asText()).isEqualTo("urn:herald:problem:not-found");
    }

    @Test
    void eventsDeliveriesAndReplayTakeTheSameFilterNames() {
        var sub = Json.object().put("service_id", serviceId);
        sub.putArray("events").add("*");
        api.post("/api/v1/subscriptions", sub);
        api.post("/api/v1/events", List.of(Events.courseViewed("f-1").put("courseid", 7).put("userid", "40"),
                Events.courseViewed("f-2").put("courseid", "8").put("userid", 41)));
        for (String q : List.of("course_id=7", "course=7", "user_id=40", "event_type=%5Ccore%5Cevent%5Ccourse_viewed&course_id=7",
                "service_id=" + serviceId + "&course_id=7")) {
            var items = api.get("/api/v1/events?" + q).json().get("items");
            assertThat(items).as(q).hasSize(1);
            assertThat(items.get(0).get("id").asText()).isEqualTo("f-1");
        }
        assertThat(api.get("/api/v1/deliveries?course_id=8&user_id=41&service_id=" + serviceId).json().get("items")).hasSize(1);
        var replay = api.post("/api/v1/deliveries/replay", Json.object().put("status", "pending").put("course_id", 8).put("user_id", 41));
        assertThat(replay.status()).as(replay.text()).isEqualTo(202);
        assertThat(replay.json().get("replayed").asInt()).isEqualTo(1);
        var listed = api.get("/api/v1/deliveries?course_id=8").json().get("items").get(0);
        assertThat(listed.get("attempt_count").asInt()).isEqualTo(listed.get("attempts").asInt());
    }

    @Test
    void whichSubscriptionsGetAnEvent() {
        var a = Json.object().put("service_id", serviceId);
        a.putArray("events").add("\\core\\event\\user_*");
        String userSub = api.post("/api/v1/subscriptions", a).json().get("id").asText();
        var b = Json.object().put("service_id", serviceId).put("enabled", false);
        b.putArray("events").add("\\core\\event\\user_created");
        api.post("/api/v1/subscriptions", b);
        String name = URLEncoder.encode("\\core\\event\\user_created", StandardCharsets.UTF_8);
        var items = api.get("/api/v1/subscriptions?event=" + name).json().get("items");
        List<String> ids = new java.util.ArrayList<>();
        items.forEach(s -> ids.add(s.get("id").asText()));
        assertThat(ids).contains(userSub).allMatch(id -> !id.equals(b.path("id").asText()));
        for (JsonNode s : items) assertThat(s.get("enabled").asBoolean()).isTrue();
    }

    @Test
    void theCatalogDescribesEveryTypeWithASchemaAndASample() {
        var all = api.get("/api/v1/event-types").json().get("items");
        long moodle = 0, openedx = 0;
        for (JsonNode t : all) {
            if (t.get("platform").asText().equals("moodle")) moodle++;
            if (t.get("platform").asText().equals("openedx")) openedx++;
        }
        assertThat(moodle).isGreaterThanOrEqualTo(400);
        assertThat(openedx).isEqualTo(75);
        var page = api.get("/api/v1/event-types?limit=10").json();
        assertThat(page.get("items")).hasSize(10);
        var next = api.get("/api/v1/event-types?limit=10&cursor=" + page.get("next_cursor").asText()).json().get("items");
        assertThat(next.get(0).get("name").asText()).isEqualTo(all.get(10).get("name").asText());

        for (String name : List.of("\\core\\event\\course_created", "org.openedx.learning.course.enrollment.created.v1")) {
            var r = api.get("/api/v1/event-types/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            assertThat(r.status()).as(name + ": " + r.text()).isEqualTo(200);
            JsonNode t = r.json();
            assertThat(t.get("schema").get("$schema").asText()).contains("2020-12");
            JsonNode sample = t.get("sample");
            assertThat(sample.path(name.startsWith("\\") ? "eventname" : "type").asText()).isEqualTo(name);
            // The sample is an event ingest takes.
            ObjectNode copy = sample.deepCopy();
            copy.put("id", "sample-of-" + name.hashCode());
            assertThat(api.post("/api/v1/events", copy).status()).as(name).isEqualTo(202);
        }
        assertThat(api.get("/api/v1/event-types/" + URLEncoder.encode("\\nope\\event\\x", StandardCharsets.UTF_8)).status())
                .isEqualTo(404);
    }

    @Test
    void aPreviewNamesThePlaceholdersThatFoundNothing() {
        var sub = Json.object().put("service_id", serviceId).put("format", "template")
                .put("template", "{\"user\": \"{{username}}\", \"ip\": {{ip}}, \"course\": {{courseid}}}");
        var r = api.post("/api/v1/subscriptions/preview", Json.object().put("event_type", "\\core\\event\\course_viewed")
                .set("subscription", sub));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("warnings").toString()).contains("{{username}}").contains("{{ip}}").doesNotContain("{{courseid}}");
    }

    @Test
    void wholeNumberDecimalsAreWrittenPlain() {
        var sub = Json.object().put("service_id", serviceId).put("format", "event");
        var event = Json.read("{\"id\":\"dec-1\",\"type\":\"t.dec\",\"data\":{\"score\":1e2,\"max\":100.0,\"tiny\":0.5}}");
        var preview = api.post("/api/v1/subscriptions/preview", Json.object().<ObjectNode>set("subscription", sub).set("event", event));
        String body = preview.json().get("body").asText();
        assertThat(body).contains("\"score\":100").contains("\"max\":100.0").contains("\"tiny\":0.5").doesNotContain("E+");
    }
}
