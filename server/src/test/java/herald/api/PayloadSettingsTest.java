package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.TestHerald;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The payload settings of services and subscriptions: validated on save, stored, and carried by backups. */
class PayloadSettingsTest {

    static String service(Api api, ObjectNode extra) {
        ObjectNode body = Json.object().put("name", "crm").put("url", "https://crm.example/hook");
        body.setAll(extra);
        var r = api.post("/api/v1/services", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static ObjectNode teachbase(String serviceId) {
        ObjectNode sub = Json.object().put("service_id", serviceId).put("format", "teachbase")
                .put("content_type", "form").put("form_style", "brackets");
        sub.putArray("events").add("*");
        sub.putObject("format_options").putObject("types").put("course", "course_stat");
        return sub;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void newSettingsAreStoredAndSurviveABackupAndRestore(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            String svc = service(api, Json.object().put("site_url", "https://lms.example.edu/moodle"));
            var created = api.post("/api/v1/subscriptions", teachbase(svc));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            var backup = api.get("/api/v1/backup").json();

            h.restart(); // read back from the database, not from memory
            api = h.api();
            var sub = api.get("/api/v1/subscriptions").json().get("items").get(0);
            assertThat(sub.get("content_type").asText()).isEqualTo("form");
            assertThat(sub.get("form_style").asText()).isEqualTo("brackets");
            assertThat(sub.at("/format_options/types/course").asText()).isEqualTo("course_stat");

            api.patch("/api/v1/subscriptions/" + sub.get("id").asText(), Json.object().putNull("content_type")
                    .put("format", "moodle").set("format_options", Json.object()));
            api.patch("/api/v1/services/" + svc, Json.object().put("site_url", ""));
            var restored = api.post("/api/v1/restore?mode=replace", backup);
            assertThat(restored.status()).as(restored.text()).isEqualTo(200);
            sub = api.get("/api/v1/subscriptions").json().get("items").get(0);
            assertThat(sub.get("format").asText()).isEqualTo("teachbase");
            assertThat(sub.get("content_type").asText()).isEqualTo("form");
            assertThat(sub.at("/format_options/types/course").asText()).isEqualTo("course_stat");
            assertThat(api.get("/api/v1/services/" + svc).json().get("site_url").asText()).isEqualTo("https://lms.example.edu/moodle");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "SQLITE")
    void aTemplateWithASyntaxErrorIsRefusedWithItsLineAndColumn(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            String svc = service(api, Json.object());
            ObjectNode sub = Json.object().put("service_id", svc).put("format", "template")
                    .put("template", "{\n  \"course\": {{#record}}{{fullname}}\n}");
            sub.putArray("events").add("*");
            var r = api.post("/api/v1/subscriptions", sub);
            assertThat(r.status()).isEqualTo(400);
            var error = r.json().get("errors").get(0);
            assertThat(error.get("field").asText()).isEqualTo("template");
            assertThat(error.get("message").asText()).contains("{{#record}}", "never closed");
            assertThat(error.get("line").asInt()).isEqualTo(2);
            assertThat(error.get("column").asInt()).isEqualTo(13);
            assertThat(api.get("/api/v1/subscriptions").json().get("items")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "SQLITE")
    void badPayloadSettingsNameTheirFields(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            var badService = api.post("/api/v1/services", Json.object().put("name", "x").put("url", "https://x.example/")
                    .put("site_url", "ftp://x"));
            assertThat(badService.errorFields()).containsExactly("site_url");
            String svc = service(api, Json.object());
            ObjectNode sub = teachbase(svc).put("content_type", "xml").put("form_style", "dots");
            ((ObjectNode) sub.get("format_options")).put("colour", "red");
            assertThat(api.post("/api/v1/subscriptions", sub).errorFields())
                    .containsExactlyInAnyOrder("content_type", "form_style", "format_options.colour");
        }
    }
}
