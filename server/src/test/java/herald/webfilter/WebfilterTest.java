package herald.webfilter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Webfilters as openedx-webhooks runs them, against real receivers on loopback. */
class WebfilterTest {
    private static final String LOGIN = "org.openedx.learning.student.login.requested.v1";
    private static TestHerald herald;
    private static Api api;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE);
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @AfterEach
    void removeWebfilters() {
        for (JsonNode w : api.get("/api/v1/webfilters?limit=500").json().get("items")) api.delete("/api/v1/webfilters/" + w.get("id").asText());
    }

    private static String webfilter(String type, Receiver r, ObjectNode more) {
        var body = Json.object().put("filter_type", type).put("url", r.url());
        body.setAll(more);
        var created = api.post("/api/v1/webfilters", body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private static JsonNode call(String type, String data) {
        var r = api.post("/api/v1/filters/" + type, Json.read("{\"data\":" + data + "}"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    @Test
    void answersUpdateTheDataLastWriterWinsAndTheFirstCheckedExceptionHalts() {
        try (Receiver one = new Receiver(); Receiver two = new Receiver()) {
            one.reply(r -> Reply.status(200).body("{\"data\":{\"user\":{\"first_name\":\"A\"},\"extra\":1},"
                    + "\"exception\":{\"PreventLogin\":\"Not allowed\"}}"));
            two.reply(r -> Reply.status(200).body("{\"data\":{\"user\":{\"last_name\":\"B\"}},"
                    + "\"exception\":{\"PreventLogin\":{\"message\":\"Go away\",\"redirect_to\":\"https://lms.example/blocked\",\"error_code\":\"e1\",\"nope\":1}}}"));
            webfilter(LOGIN, one, Json.object().put("order", 1));
            webfilter(LOGIN, two, Json.object().put("order", 2));
            JsonNode answer = call(LOGIN, "{\"user\":{\"id\":4,\"username\":\"andres\",\"password\":\"pbkdf2$hash\"},\"profile\":{\"name\":\"A\"}}");

            assertThat(answer.get("data")).isEqualTo(Json.read("{\"user\":{\"last_name\":\"B\"},\"profile\":{\"name\":\"A\"},\"extra\":1}"));
            assertThat(answer.get("exception")).isEqualTo(Json.read(
                    "{\"name\":\"PreventLogin\",\"message\":\"Go away\",\"redirect_to\":\"https://lms.example/blocked\",\"status_code\":null,\"error_code\":\"e1\"}"));
            // each endpoint got the same data, without the password, and the handler's name and the time
            for (Receiver r : new Receiver[] {one, two}) {
                JsonNode sent = Json.read(r.received().get(0).body());
                assertThat(sent.at("/user/username").asText()).isEqualTo("andres");
                assertThat(sent.at("/user").has("password")).isFalse();
                assertThat(sent.at("/event_metadata/event_type").asText()).isEqualTo("StudentLoginRequested");
                assertThat(Instant.parse(sent.at("/event_metadata/time").asText().replace("+00:00", "Z"))).isNotNull();
                assertThat(r.received().get(0).header("Content-Type")).startsWith("application/json");
            }
            assertThat(Json.read(one.received().get(0).body()).get("user")).isEqualTo(Json.read(two.received().get(0).body()).get("user"));
        }
    }

    /**
     * An endpoint's answer is held to what ingest takes: its data is merged and written out in full,
     * so a reply of 1e9999s (7 KB) was a 10 MB answer, a larger one ran the heap out, and 1e999999999
     * could not be written at all (500 for every login through the filter). It counts as {@code {}}.
     */
    @Test
    void anAnswerIngestWouldRefuseCountsAsNone() {
        try (Receiver hostile = new Receiver(); Receiver huge = new Receiver()) {
            hostile.reply(r -> Reply.status(200).body("{\"data\":{\"x\":1e999999999}}"));
            huge.reply(r -> Reply.status(200).body("{\"data\":{\"y\":[" + String.join(",", java.util.Collections.nCopies(1000, "1e9999")) + "]}}"));
            webfilter(LOGIN, hostile, Json.object().put("order", 1));
            webfilter(LOGIN, huge, Json.object().put("order", 2));
            JsonNode answer = call(LOGIN, "{\"user\":{\"id\":4}}");
            assertThat(answer.get("data")).isEqualTo(Json.read("{\"user\":{\"id\":4}}"));
        }
    }

    @Test
    void aStatusHaltsOnlyWithItsOptionAndOtherwiseCountsLikeAnyAnswer() {
        try (Receiver forbidden = new Receiver(); Receiver broken = new Receiver()) {
            forbidden.reply(r -> Reply.status(403).body("{\"data\":{\"from403\":true}}"));
            broken.reply(r -> Reply.status(500).body("<html>oops</html>"));
            webfilter(LOGIN, broken, Json.object().put("order", 1)); // 500 without halt_on_5xx: a non-JSON answer is {}
            webfilter(LOGIN, forbidden, Json.object().put("order", 2)); // 403 without halt_on_4xx: its data counts
            JsonNode answer = call(LOGIN, "{\"user\":{\"id\":1}}");
            assertThat(answer.get("exception").isNull()).isTrue();
            assertThat(answer.at("/data/from403").asBoolean()).isTrue();

            removeWebfilters();
            webfilter(LOGIN, forbidden, Json.object().put("halt_on_4xx", true).put("redirect_on_4xx", "https://lms.example/denied"));
            JsonNode halted = call(LOGIN, "{\"user\":{\"id\":1}}");
            assertThat(halted.at("/exception/name").asText()).isEqualTo("PreventLogin");
            assertThat(halted.at("/exception/message").asText()).isEqualTo("Request to " + forbidden.url()
                    + " after webhook event StudentLoginRequested returned status code 403 (Forbidden)");
            assertThat(halted.at("/exception/redirect_to").asText()).isEqualTo("https://lms.example/denied");
            assertThat(halted.at("/exception/status_code").isNull()).as("PreventLogin takes no status_code").isTrue();
            assertThat(halted.at("/data")).isEqualTo(Json.read("{\"user\":{\"id\":1}}"));

            // a filter whose exception takes a status code gets it
            removeWebfilters();
            webfilter("org.openedx.learning.course.enrollment.started.v1", broken, Json.object().put("halt_on_5xx", true));
            JsonNode enrol = call("org.openedx.learning.course.enrollment.started.v1", "{\"user\":{\"id\":1},\"course_key\":\"course-v1:a+b+c\",\"mode\":\"audit\"}");
            assertThat(enrol.at("/exception/name").asText()).isEqualTo("PreventEnrollment");
            assertThat(enrol.at("/exception/status_code").asInt()).isEqualTo(500);
        }
    }

    @Test
    void anUnreachableOrSlowWebfilterIsSkippedUnlessItHaltsAndTheBudgetHolds() {
        try (Receiver hangs = new Receiver(); Receiver fine = new Receiver()) {
            hangs.reply(r -> Reply.hang());
            fine.reply(r -> Reply.status(200).body("{\"data\":{\"ok\":true}}"));
            webfilter(LOGIN, hangs, Json.object().put("order", 1).put("timeout_ms", 300));
            webfilter(LOGIN, fine, Json.object().put("order", 2));
            JsonNode answer = call(LOGIN, "{\"user\":{\"id\":1}}");
            assertThat(answer.at("/data/ok").asBoolean()).isTrue();
            assertThat(answer.at("/calls/0/outcome").asText()).isEqualTo("ignored");
            assertThat(answer.at("/calls/0/duration_ms").asLong()).isBetween(250L, 2_000L);

            removeWebfilters();
            webfilter(LOGIN, hangs, Json.object().put("timeout_ms", 300).put("halt_on_request_exception", true)
                    .put("redirect_on_request_exception", "https://lms.example/later"));
            webfilter(LOGIN, fine, Json.object().put("order", 5));
            JsonNode halted = call(LOGIN, "{\"user\":{\"id\":1}}");
            assertThat(halted.at("/exception/name").asText()).isEqualTo("PreventLogin");
            assertThat(halted.at("/exception/redirect_to").asText()).isEqualTo("https://lms.example/later");
            assertThat(halted.get("calls")).as("a transport halt stops at once").hasSize(1);

            removeWebfilters();
            for (int i = 0; i < 3; i++) webfilter(LOGIN, hangs, Json.object().put("order", i).put("timeout_ms", 30_000));
            long start = System.nanoTime();
            var r = api.post("/api/v1/filters/" + LOGIN, Json.read("{\"data\":{\"user\":{\"id\":1}},\"budget_ms\":400}"));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMs).as("the budget bounds the call").isLessThan(2_000);
            assertThat(r.json().get("budget_exhausted").asBoolean()).isTrue();
            assertThat(r.json().at("/calls/2/outcome").asText()).isEqualTo("skipped");
        }
    }

    @Test
    void formEncodingFlattensLikeThePluginAndDisabledWebfiltersAreNotCalled() {
        try (Receiver form = new Receiver(); Receiver off = new Receiver()) {
            form.reply(r -> Reply.status(200).body("{\"exception\":{\"PreventRegistration\":\"ignored: disable_halt\"}}"));
            webfilter("StudentRegistrationRequested", form, Json.object().put("use_www_form_encoding", true).put("disable_halt", true));
            webfilter("StudentRegistrationRequested", off, Json.object().put("enabled", false));
            JsonNode answer = call("org.openedx.learning.student.registration.requested.v1",
                    "{\"form_data\":{\"username\":\"ana maria\",\"is_active\":true,\"honor\":null,\"tags\":[\"a\",\"b\"]}}");
            assertThat(answer.get("exception").isNull()).isTrue();
            assertThat(answer.get("calls").get(0).get("outcome").asText()).as("its answer set aside by disable_halt").isEqualTo("ignored");
            assertThat(off.received()).isEmpty();
            var sent = form.received().get(0);
            assertThat(sent.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
            assertThat(sent.body()).startsWith("form_data_username=ana+maria&form_data_is_active=True&form_data_honor=None"
                    + "&form_data_tags=%5B%27a%27%2C+%27b%27%5D&event_metadata_event_type=StudentRegistrationRequested&event_metadata_time=");
        }
    }

    @Test
    void throughAServiceEachCallIsSignedAsAMessageOfItsOwn() {
        try (Receiver r = new Receiver()) {
            r.reply(x -> Reply.status(200).body("{}"));
            String svc = api.post("/api/v1/services", Json.object().put("name", "wf-signed").put("url", r.url())).json().get("id").asText();
            try {
                var body = Json.object().put("filter_type", LOGIN).put("service_id", svc).put("path", "/login");
                assertThat(api.post("/api/v1/webfilters", body).status()).isEqualTo(201);
                call(LOGIN, "{\"user\":{\"id\":1}}");
                call(LOGIN, "{\"user\":{\"id\":2}}");
                assertThat(r.received()).hasSize(2);
                String first = r.received().get(0).header("webhook-id"), second = r.received().get(1).header("webhook-id");
                assertThat(first).startsWith("msg_");
                assertThat(second).as("a receiver that drops repeated ids must get both").isNotEqualTo(first);
            } finally {
                removeWebfilters();
                api.delete("/api/v1/services/" + svc);
            }
        }
    }

    @Test
    void theApiNamesWhatIsWrong() {
        assertThat(api.post("/api/v1/filters/org.openedx.nothing.v1", Json.read("{\"data\":{}}")).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/filters/" + LOGIN, Json.read("{\"data\":[]}")).errorFields()).containsExactly("data");
        assertThat(api.post("/api/v1/filters/" + LOGIN, Json.read("{\"data\":\"x\"}")).text()).contains("must be an object");
        assertThat(api.post("/api/v1/webfilters", Json.object().put("filter_type", "Nope").put("url", "https://x.example/")).errorFields())
                .containsExactly("filter_type");
        assertThat(api.post("/api/v1/webfilters", Json.object().put("filter_type", LOGIN)).errorFields()).containsExactly("url");
        assertThat(api.get("/api/v1/filter-types").json().get("items")).hasSize(27);
        var noWebfilter = call("org.openedx.learning.course.unenrollment.started.v1", "{\"enrollment\":{\"id\":9}}");
        assertThat(noWebfilter.get("data")).isEqualTo(Json.read("{\"enrollment\":{\"id\":9}}"));
        assertThat(noWebfilter.get("calls")).isEmpty();
    }
}
