package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/subscriptions/preview}: renders without sending or storing. */
class PreviewTest {
    private static TestHerald herald;
    private static Api api;
    private static String service;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE);
        api = herald.api();
        service = PayloadSettingsTest.service(api, Json.object().put("site_url", "http://localhost").put("token", "s3cret"));
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    private static ObjectNode spec(String format) {
        return Json.object().put("service_id", service).put("format", format).put("path", "/in");
    }

    @Test
    void previewsASpecAgainstTheCatalogSampleOfAnEventType() {
        var r = api.post("/api/v1/subscriptions/preview", Json.object().put("event_type", "\\core\\event\\course_viewed")
                .set("subscription", spec("moodle")));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        var p = r.json();
        assertThat(p.get("method").asText()).isEqualTo("POST");
        assertThat(p.get("url").asText()).isEqualTo("https://crm.example/hook/in");
        assertThat(p.get("content_type").asText()).isEqualTo("application/json");
        assertThat(p.get("body").asText()).startsWith("{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\"")
                .endsWith("\"host\":\"localhost\",\"token\":\"********\",\"extra\":\"\"}"); // as the attempt log keeps it
        assertThat(r.text()).as("an admin key cannot read the service's token back").doesNotContain("s3cret");
        assertThat(p.get("warnings")).isEmpty();
    }

    @Test
    void previewsAnExistingSubscriptionAgainstAGivenEvent() {
        var created = api.post("/api/v1/subscriptions", spec("cloudevents").set("events", Json.MAPPER.createArrayNode().add("*")));
        String id = created.json().get("id").asText();
        var r = api.post("/api/v1/subscriptions/preview", Json.object().put("subscription_id", id)
                .set("event", Events.courseViewed("given-1")));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("content_type").asText()).isEqualTo("application/cloudevents+json");
        assertThat(Json.read(r.json().get("body").asText()).get("id").asText()).isEqualTo("given-1");
        assertThat(api.get("/api/v1/events/given-1").status()).isEqualTo(404); // nothing stored
    }

    @Test
    void aTemplateWhoseOutputIsNotJsonIsAProblemNamingTheTemplate() {
        var r = api.post("/api/v1/subscriptions/preview", Json.object().put("event_type", "\\core\\event\\course_viewed")
                .set("subscription", spec("template").put("template", "{\"name\": {{eventname}}")));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.errorFields()).containsExactly("subscription.template");
        assertThat(r.json().get("detail").asText()).contains("not JSON");
    }

    @Test
    void aTemplateSyntaxErrorPointsIntoTheSpec() {
        var r = api.post("/api/v1/subscriptions/preview", Json.object().put("event_type", "\\core\\event\\course_viewed")
                .set("subscription", spec("template").put("template", "{{/x}}")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorFields()).containsExactly("subscription.template");
        assertThat(r.json().get("errors").get(0).get("column").asInt()).isEqualTo(1);
    }

    @Test
    void aFormWithMoreFieldsThanPhpKeepsIsWarnedAbout() {
        ObjectNode event = Events.generic("wide-1", "wide.thing");
        ObjectNode data = event.putObject("data");
        for (int i = 0; i < 1200; i++) data.put("f" + i, i);
        var r = api.post("/api/v1/subscriptions/preview", Json.object().set("event", event));
        assertThat(r.status()).isEqualTo(400); // neither subscription nor subscription_id
        r = api.post("/api/v1/subscriptions/preview", Json.object().<ObjectNode>set("event", event)
                .set("subscription", spec("event").put("content_type", "form").put("form_style", "brackets")));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("content_type").asText()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(r.json().get("body").asText()).contains("data[f1199]=1199");
        assertThat(r.json().get("warnings").get(0).asText()).contains("1204 fields", "max_input_vars");
    }

    @Test
    void underscoreKeysThatCollideAreWarnedAbout() {
        ObjectNode event = Events.generic("collide-1", "collide.thing");
        event.putObject("data").put("user_name", "first").putObject("user").put("name", "second");
        var r = api.post("/api/v1/subscriptions/preview", Json.object().<ObjectNode>set("event", event)
                .set("subscription", spec("event").put("content_type", "form")));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("body").asText()).contains("data_user_name=second").doesNotContain("first");
        assertThat(r.json().get("warnings").get(0).asText()).startsWith("1 field shares a name");
    }

    @Test
    void anUnknownEventTypeIsABadRequest() {
        var r = api.post("/api/v1/subscriptions/preview", Json.object().put("event_type", "\\nope\\event\\nothing")
                .set("subscription", spec("moodle")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorFields()).containsExactly("event_type");
    }
}
