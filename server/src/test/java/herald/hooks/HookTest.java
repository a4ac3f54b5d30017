package herald.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import herald.crypto.Signer;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.TestHerald;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inbound hooks: each kind of credential, each bad request, and the seed plugins' own requests as the events they describe. */
class HookTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static TestHerald herald;
    private static Api api;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE, Map.of("HERALD_MAX_BODY_BYTES", "4096"));
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    private static void hook(String name, String format, String eventType, String auth) {
        var body = Json.object().put("name", name).put("format", format);
        if (eventType != null) body.put("event_type", eventType);
        body.set("auth", Json.read(auth));
        var r = api.post("/api/v1/hooks", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + herald.herald().port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode event(HttpResponse<String> r) {
        return api.get("/api/v1/events/" + Json.read(r.body()).get("id").asText()).json().get("event");
    }

    @Test
    void aJsonHookTakesItsBearerAndNothingElse() {
        hook("crm", "json", "crm.contact.updated", "{\"type\":\"bearer\",\"token\":\"a-long-bearer-token-1\"}");
        var ok = send("POST", "/hooks/crm", "{\"contact\":{\"id\":7}}", "Authorization", "Bearer a-long-bearer-token-1",
                "Content-Type", "application/json", "X-Request-Id", "r-1");
        assertThat(ok.statusCode()).isEqualTo(202);
        JsonNode e = event(ok);
        assertThat(e.get("type").asText()).isEqualTo("crm.contact.updated");
        assertThat(e.at("/data/contact/id").asInt()).isEqualTo(7);
        assertThat(e.at("/headers/x-request-id").asText()).isEqualTo("r-1");
        assertThat(e.get("headers").has("authorization")).as("credentials are not kept").isFalse();

        assertThat(send("POST", "/hooks/crm", "{}").statusCode()).isEqualTo(401);
        var wrong = send("POST", "/hooks/crm", "{}", "Authorization", "Bearer not-the-token-at-all");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(send("GET", "/hooks/crm", null).statusCode()).isEqualTo(405);
        assertThat(send("POST", "/hooks/nobody", "{}").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/hooks/crm", "", "Authorization", "Bearer a-long-bearer-token-1").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/hooks/crm", "{not json", "Authorization", "Bearer a-long-bearer-token-1").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/hooks/crm", "{\"x\":\"" + "y".repeat(5000) + "\"}", "Authorization", "Bearer a-long-bearer-token-1")
                .statusCode()).isEqualTo(413);
        assertThat(api.get("/api/v1/hooks").text()).doesNotContain("a-long-bearer-token-1");
        // What the ingest API refuses, a hook refuses too: 1e999999999 written out is a gigabyte, a NUL PostgreSQL refuses.
        for (String unstorable : java.util.List.of("{\"n\":1e999999999}", "{\"s\":\"a\\u0000b\"}")) {
            var refused = send("POST", "/hooks/crm", unstorable, "Authorization", "Bearer a-long-bearer-token-1");
            assertThat(refused.statusCode()).as(unstorable).isEqualTo(400);
            assertThat(refused.body()).contains("data.");
        }
    }

    @Test
    void aSignedHookChecksTheSignatureTheTimeAndTakesAResentMessageOnce() {
        hook("signed", "json", "partner.event", "{\"type\":\"standard_webhooks\",\"secret\":\"" + SECRET + "\",\"tolerance_s\":300}");
        String body = "{\"n\":1}";
        long now = System.currentTimeMillis() / 1000;
        String sig = Signer.standard(SECRET, "msg_1", now, body.getBytes(StandardCharsets.UTF_8));
        var first = send("POST", "/hooks/signed", body, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now), "webhook-signature", sig);
        assertThat(first.statusCode()).isEqualTo(202);
        var again = send("POST", "/hooks/signed", body, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now), "webhook-signature", sig);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.read(again.body()).get("duplicate").asBoolean()).isTrue();
        assertThat(send("POST", "/hooks/signed", "{\"n\":2}", "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", sig).statusCode()).as("a changed body").isEqualTo(403);
        long old = now - 3600;
        assertThat(send("POST", "/hooks/signed", body, "webhook-id", "msg_2", "webhook-timestamp", Long.toString(old), "webhook-signature",
                Signer.standard(SECRET, "msg_2", old, body.getBytes(StandardCharsets.UTF_8))).statusCode()).as("an old message").isEqualTo(403);
        assertThat(send("POST", "/hooks/signed", body).statusCode()).isEqualTo(401);
    }

    @Test
    void apiKeyAndBasicCredentialsWorkFromHeadersOrTheUrl() {
        hook("keyed", "json", "k.event", "{\"type\":\"api_key\",\"key\":\"a-long-api-key-12345\"}");
        assertThat(send("POST", "/hooks/keyed", "{}", "X-API-Key", "a-long-api-key-12345").statusCode()).isEqualTo(202);
        assertThat(send("POST", "/hooks/keyed?api_key=a-long-api-key-12345", "{}").statusCode()).isEqualTo(202);
        assertThat(send("POST", "/hooks/keyed?api_key=wrong", "{}").statusCode()).isEqualTo(403);
        // A body that is not UTF-8 (an overlong '/') is refused, not read with a replacement character.
        var overlong = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + herald.herald().port() + "/hooks/keyed?api_key=a-long-api-key-12345"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'v', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}))
                .build();
        try {
            assertThat(java.net.http.HttpClient.newHttpClient().send(overlong, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        // A key told to come in a header events otherwise keep is not kept.
        hook("keyed-by-id", "json", "k.event", "{\"type\":\"api_key\",\"header\":\"X-Request-Id\",\"key\":\"a-long-api-key-67890\"}");
        var inRequestId = send("POST", "/hooks/keyed-by-id", "{}", "X-Request-Id", "a-long-api-key-67890", "X-Correlation-Id", "c-1");
        assertThat(inRequestId.statusCode()).isEqualTo(202);
        assertThat(event(inRequestId).get("headers").toString()).doesNotContain("a-long-api-key-67890").contains("c-1");
        hook("basic", "json", "b.event", "{\"type\":\"basic\",\"username\":\"openedx\",\"password\":\"a-long-password\"}");
        String good = "Basic " + Base64.getEncoder().encodeToString("openedx:a-long-password".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("other:a-long-password".getBytes(StandardCharsets.UTF_8));
        assertThat(send("POST", "/hooks/basic", "{}", "Authorization", good).statusCode()).isEqualTo(202);
        assertThat(send("POST", "/hooks/basic", "{}", "Authorization", bad).statusCode()).isEqualTo(403);
    }

    @Test
    void theMoodlePluginsRequestsBecomeTheirMoodleEvents() {
        hook("lw", "local_webhooks", null, "{\"type\":\"api_key\",\"key\":\"the-plugin-token-123\"}");
        String lw = "{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"component\":\"core\",\"action\":\"viewed\",\"target\":\"course\","
                + "\"objecttable\":null,\"objectid\":null,\"crud\":\"r\",\"edulevel\":2,\"contextid\":2,\"contextlevel\":50,"
                + "\"contextinstanceid\":\"1\",\"userid\":\"2\",\"courseid\":\"1\",\"relateduserid\":null,\"anonymous\":0,\"other\":null,"
                + "\"timecreated\":1512961456,\"host\":\"lms.example.org\",\"token\":\"the-plugin-token-123\",\"extra\":\"\"}";
        var r = send("POST", "/hooks/lw", lw, "Content-Type", "application/json"); // the token in the body is the credential
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode e = event(r);
        assertThat(e.get("eventname").asText()).isEqualTo("\\core\\event\\course_viewed");
        assertThat(e.get("userid").asText()).isEqualTo("2");
        assertThat(e.has("token")).as("the token is not kept").isFalse();
        assertThat(e.get("source").asText()).isEqualTo("lms.example.org");
        assertThat(send("POST", "/hooks/lw", lw.replace("the-plugin-token-123", "wrong-token")).statusCode()).isEqualTo(403);

        hook("nosey", "nosey", null, "{\"type\":\"bearer\",\"token\":\"a-long-nosey-token\"}");
        var n = send("POST", "/hooks/nosey", "{\"event\":{\"eventname\":\"\\\\core\\\\event\\\\user_created\",\"objectid\":9,\"userid\":2,"
                + "\"timecreated\":1512961456},\"record\":{\"id\":9,\"username\":\"ana\"}}", "Authorization", "Bearer a-long-nosey-token");
        assertThat(n.statusCode()).as(n.body()).isEqualTo(202);
        assertThat(event(n).at("/record/username").asText()).isEqualTo("ana");
    }

    @Test
    void openedxWebhooksRequestsBecomeTheEventTheBusGivesForTheSameEmission() {
        hook("edx", "openedx_webhooks", null, "{\"type\":\"basic\",\"username\":\"openedx\",\"password\":\"a-long-password\"}");
        String auth = "Basic " + Base64.getEncoder().encodeToString("openedx:a-long-password".getBytes(StandardCharsets.UTF_8));
        String json = "{\"openedx_events.learning.data.CourseEnrollmentData\": {\"user\": {\"id\": 4, \"is_active\": true, \"pii\": "
                + "{\"username\": \"andres\", \"email\": \"andres@example.org\", \"name\": \"\"}}, \"course\": {\"course_key\": "
                + "\"course-v1:edX+DemoX+Demo_Course\", \"display_name\": \"Demonstration Course\", \"start\": null, \"end\": null}, "
                + "\"mode\": \"honor\", \"is_active\": true, \"creation_date\": \"2023-01-31 20:28:10.976084+00:00\", \"created_by\": null}, "
                + "\"event_metadata\": {\"event_type\": \"org.openedx.learning.course.enrollment.created.v1\", \"id\": "
                + "\"c8bee32c-a1a5-11ed-baf0-0242ac140007\", \"minorversion\": 0, \"source\": \"openedx/lms/web\", \"sourcehost\": "
                + "\"8616aa50f067\", \"time\": \"2023-01-31 20:28:12.798285+00:00\", \"sourcelib\": [11, 2, 0]}}";
        var r = send("POST", "/hooks/edx", json, "Authorization", auth, "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode e = event(r);
        assertThat(e.get("id").asText()).isEqualTo("c8bee32c-a1a5-11ed-baf0-0242ac140007");
        assertThat(e.get("type").asText()).isEqualTo("org.openedx.learning.course.enrollment.created.v1");
        assertThat(e.get("time").asText()).isEqualTo("2023-01-31T20:28:12.798285Z");
        assertThat(e.at("/data/enrollment/user/pii/username").asText()).isEqualTo("andres");
        assertThat(e.at("/data/enrollment/creation_date").asText()).isEqualTo("2023-01-31T20:28:10.976084+00:00");

        // the same emission as a form (use_www_form_encoding): flattened with '_', Python's str() of each leaf
        String form = "openedx_events.learning.data.CourseEnrollmentData_user_id=5&openedx_events.learning.data.CourseEnrollmentData_user_is_active=True"
                + "&openedx_events.learning.data.CourseEnrollmentData_user_pii_username=bea&openedx_events.learning.data.CourseEnrollmentData_user_pii_email=bea%40example.org"
                + "&openedx_events.learning.data.CourseEnrollmentData_user_pii_name=&openedx_events.learning.data.CourseEnrollmentData_course_course_key=course-v1%3AedX%2BDemoX%2BDemo_Course"
                + "&openedx_events.learning.data.CourseEnrollmentData_course_display_name=Demonstration+Course&openedx_events.learning.data.CourseEnrollmentData_course_start=None"
                + "&openedx_events.learning.data.CourseEnrollmentData_course_end=None&openedx_events.learning.data.CourseEnrollmentData_mode=audit"
                + "&openedx_events.learning.data.CourseEnrollmentData_is_active=False&openedx_events.learning.data.CourseEnrollmentData_creation_date=2023-01-31+20%3A28%3A10%2B00%3A00"
                + "&openedx_events.learning.data.CourseEnrollmentData_created_by=None&event_metadata_event_type=org.openedx.learning.course.enrollment.created.v1"
                + "&event_metadata_id=c8bee32c-a1a5-11ed-baf0-0242ac140008&event_metadata_minorversion=0&event_metadata_source=openedx%2Flms%2Fweb"
                + "&event_metadata_time=2023-01-31+20%3A28%3A12%2B00%3A00&event_metadata_sourcelib=%5B11%2C+2%2C+0%5D";
        var f = send("POST", "/hooks/edx", form, "Authorization", auth, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(f.statusCode()).as(f.body()).isEqualTo(202);
        JsonNode fe = event(f);
        assertThat(fe.at("/data/enrollment/user/id").asLong()).isEqualTo(5);
        assertThat(fe.at("/data/enrollment/user/is_active").asBoolean()).isTrue();
        assertThat(fe.at("/data/enrollment/user/pii/email").asText()).isEqualTo("bea@example.org");
        assertThat(fe.at("/data/enrollment/course/start").isNull()).isTrue();
        assertThat(fe.at("/data/enrollment/is_active").asBoolean()).isFalse();
        assertThat(fe.at("/data/enrollment/created_by").isNull()).isTrue();
        assertThat(fe.at("/data/enrollment/creation_date").asText()).isEqualTo("2023-01-31T20:28:10+00:00");
        assertThat(fe.get("time").asText()).isEqualTo("2023-01-31T20:28:12Z");
        // its metadata typed as the JSON encoding's
        for (String field : new String[] {"minorversion", "sourcelib"}) {
            assertThat(fe.get(field).getNodeType()).as(field).isEqualTo(e.get(field).getNodeType());
        }
        assertThat(fe.get("sourcelib")).isEqualTo(e.get("sourcelib"));
    }
}
