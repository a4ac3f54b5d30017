package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {
    static TestHerald herald;
    static Api api;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE, Map.of("HERALD_MAX_BODY_BYTES", "4096", "HERALD_MAX_BATCH", "3"));
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static void assertProblem(Api.Response r, int status, String... fields) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        var p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank();
        if (fields.length > 0) assertThat(r.errorFields()).containsExactlyInAnyOrder(fields);
    }

    @Test
    void malformedJsonNamesTheBody() {
        var r = api.post("/api/v1/services", "{\"name\": ");
        assertProblem(r, 400, "body");
        assertThat(r.json().get("detail").asText()).contains("line 1");
    }

    @Test
    void wrongTypesAndUnknownEnumsNameTheirFields() {
        var body = Json.object().put("name", 5).put("url", "http://127.0.0.1/").put("content_type", "xml")
                .put("timeout_ms", "slow");
        body.putObject("auth").put("type", "kerberos");
        assertProblem(api.post("/api/v1/services", body), 400, "name", "content_type", "timeout_ms", "auth.type");
    }

    @Test
    void unknownFieldsAreRefusedNotIgnored() {
        var body = Json.object().put("name", "a").put("url", "http://127.0.0.1/").put("retires", 3);
        assertProblem(api.post("/api/v1/services", body), 400, "retires");
    }

    @Test
    void badUrlsAreRefused() {
        assertProblem(api.post("/api/v1/services", Json.object().put("name", "a").put("url", "ftp://x/")), 400, "url");
        assertProblem(api.post("/api/v1/services", Json.object().put("name", "a").put("url", "http://u:p@x/")), 400, "url");
    }

    @Test
    void aKnownPathWithAnotherMethodGets405() {
        for (String[] call : new String[][] {{"DELETE", "/api/v1/events"}, {"PUT", "/api/v1/services"}, {"DELETE", "/api/v1/settings"}}) {
            var r = api.send(call[0], call[1], null);
            assertProblem(r, 405);
            assertThat(r.json().get("type").asText()).isEqualTo("urn:herald:problem:method-not-allowed");
            assertThat(r.header("Allow")).as(call[1] + ": RFC 9110 asks a 405 to say what is allowed").isNotBlank();
        }
        // Ingest is served in front of the router: its POST is named too, and a PATCH was answered with no Allow at all.
        var patch = api.send("PATCH", "/api/v1/events", "{}");
        assertProblem(patch, 405);
        assertThat(patch.header("Allow")).isEqualTo("GET, POST");
        assertThat(api.send("PATCH", "/api/v1/services/svc_x", "{}").status()).isNotEqualTo(405); // PATCH is a service's
        assertProblem(api.get("/api/v1/nothing-here"), 404);
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedOnce() {
        var r = api.post("/api/v1/subscriptions", Json.object().put("service_id", "x").put("events", "*"));
        assertProblem(r, 400, "events");
        assertThat(r.json().get("errors")).hasSize(1);
    }

    @Test
    void oversizeBodiesGet413() {
        String big = "{\"eventname\":\"\\\\core\\\\event\\\\x\",\"other\":\"" + "a".repeat(5000) + "\"}";
        assertProblem(api.post("/api/v1/events", big), 413);
    }

    @Test
    void tooLargeBatchesGet413() {
        var batch = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 4; i++) batch.add(Events.courseViewed("b-" + i));
        assertProblem(api.post("/api/v1/events", batch), 413, "body");
    }

    @Test
    void unknownRoutesGetAProblem() {
        assertProblem(api.get("/api/v1/nothing-here"), 404);
        assertProblem(api.get("/api/v1/services/svc_missing"), 404);
    }

    @Test
    void anEventNeedsANameOrAType() {
        assertProblem(api.post("/api/v1/events", "{\"foo\": 1}"), 400, "eventname");
        assertProblem(api.post("/api/v1/events", "[]"), 400, "body");
        assertProblem(api.post("/api/v1/events", Events.generic("g", "t").put("time", "noon")), 400, "time");
        assertProblem(api.post("/api/v1/events", Events.courseViewed("m").put("crud", "x").put("userid", "bob")), 400,
                "crud", "userid");
    }

    @Test
    void duplicateServiceNamesConflict() {
        var body = Json.object().put("name", "dup").put("url", "http://127.0.0.1/");
        assertThat(api.post("/api/v1/services", body).status()).isEqualTo(201);
        assertProblem(api.post("/api/v1/services", body), 409, "name");
        var other = api.post("/api/v1/services", body.deepCopy().put("name", "dup-2")).json().get("id").asText();
        assertProblem(api.patch("/api/v1/services/" + other, Json.object().put("name", "dup")), 409, "name");
    }

    @Test
    void aSubscriptionMustNameAnExistingService() {
        var sub = Json.object().put("service_id", "svc_nope");
        sub.putArray("events").add("*");
        assertProblem(api.post("/api/v1/subscriptions", sub), 422, "service_id");
        assertProblem(api.post("/api/v1/subscriptions", Json.object().put("service_id", "x").put("format", "yaml")), 400,
                "events", "format");
    }

    @Test
    void badFiltersNameTheCondition() {
        var sub = Json.object().put("service_id", "svc_x");
        sub.putArray("events").add("*");
        sub.putObject("filter").putArray("all").addObject().put("path", "courseid");
        assertProblem(api.post("/api/v1/subscriptions", sub), 400, "filter.all[0]");
    }

    @Test
    void badPagingParametersAreNamed() {
        assertProblem(api.get("/api/v1/services?limit=0"), 400, "limit");
        assertProblem(api.get("/api/v1/events?cursor=***"), 400, "cursor");
        assertProblem(api.get("/api/v1/deliveries?status=lost"), 400, "status");
    }

    @Test
    void everyListRefusesACursorItDidNotMake() {
        // Not base64, base64 of JSON, of NUL bytes, not as Herald writes it ("MR" and "MQ" both decode to "1").
        List<String> forged = List.of("garbage", "garbage!!", "eyJhIjoxfQ", "A".repeat(40), "MR");
        for (String list : List.of("services", "subscriptions", "deliveries", "events", "audit", "event-types", "sources",
                "webfilters", "hooks", "api-keys", "filter-types", "sources/src_x/failures", "webfilters/wf_x/calls")) {
            for (String cursor : forged) assertProblem(api.get("/api/v1/" + list + "?cursor=" + cursor), 400, "cursor");
        }
        // A list of one page gives no cursor, so it takes none.
        assertProblem(api.get("/api/v1/webfilters/wf_x/calls?cursor=" + Requests.encodeCursor("1")), 400, "cursor");
    }

    @Test
    void theCursorsHeraldGivesStillPage() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(api.post("/api/v1/services", Json.object().put("name", "paged-" + i).put("url", "http://127.0.0.1/"))
                    .json().get("id").asText());
        }
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            var r = api.get("/api/v1/services?limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            r.json().get("items").forEach(s -> paged.add(s.get("id").asText()));
            cursor = r.json().get("next_cursor").isNull() ? null : r.json().get("next_cursor").asText();
        } while (cursor != null);
        assertThat(paged).containsAll(made).doesNotHaveDuplicates();

        // The lists that were one page take limit and cursor as the contract says lists do (limit was a 400).
        for (int i = 0; i < 3; i++) api.post("/api/v1/api-keys", Json.read("{\"name\":\"paged-key-" + i + "\",\"scopes\":[\"read\"]}"));
        for (String list : List.of("api-keys", "filter-types")) {
            List<String> all = new ArrayList<>();
            api.get("/api/v1/" + list).json().get("items").forEach(k -> all.add(k.toString()));
            assertThat(all).as(list).hasSizeGreaterThan(2);
            List<String> pages = new ArrayList<>();
            String next = null;
            do {
                var r = api.get("/api/v1/" + list + "?limit=2" + (next == null ? "" : "&cursor=" + next));
                assertThat(r.status()).as(r.text()).isEqualTo(200);
                assertThat(r.json().get("items").size()).isLessThanOrEqualTo(2);
                r.json().get("items").forEach(k -> pages.add(k.toString()));
                next = r.json().get("next_cursor").isNull() ? null : r.json().get("next_cursor").asText();
            } while (next != null);
            assertThat(pages).as(list).isEqualTo(all);
        }
    }

    @Test
    void badQueryFlagsAndPlatformsAreNamedNotIgnored() {
        assertProblem(api.get("/api/v1/event-types?platform=xyz"), 400, "platform");
        assertProblem(api.get("/api/v1/event-types?seen=maybe"), 400, "seen");
        assertProblem(api.get("/api/v1/backup?include_secrets=maybe"), 400, "include_secrets");
        for (String platform : List.of("moodle", "openedx", "teachbase", "herald")) {
            var r = api.get("/api/v1/event-types?platform=" + platform);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.json().get("items")).as(platform).isNotEmpty()
                    .allMatch(t -> t.get("platform").asText().equals(platform));
        }
        assertThat(api.get("/api/v1/event-types?platform=other").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/event-types?seen=false").json().get("items")).isNotEmpty()
                .allMatch(t -> !t.get("seen").asBoolean());
        assertThat(api.get("/api/v1/backup?include_secrets=false").status()).isEqualTo(200);
    }
}
