package herald.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Cli;
import herald.testing.EventBus;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A learner erased: their events, dead letters, attempts and webfilter calls gone from every table and from the database's files. */
class ErasureTest {
    private static final String EMAIL = "ana.erase@example.org";
    private static final String OTHER_EMAIL = "bo.stays@example.org";
    private static final String LOGIN = "org.openedx.learning.student.login.requested.v1";

    /** Learner 42: enrolled by an administrator, signing in, enrolled on Open edX; learner 43 once. */
    private static List<ObjectNode> events() {
        ObjectNode enrolled = Events.courseViewed("er-enrol");
        enrolled.put("eventname", "\\core\\event\\user_enrolment_created").put("userid", "2").put("relateduserid", "42");
        enrolled.putObject("record").put("id", 42).put("email", EMAIL);
        ObjectNode login = Events.courseViewed("er-login");
        login.put("eventname", "\\core\\event\\user_loggedin").put("userid", "42");
        login.putObject("record").put("email", EMAIL);
        ObjectNode edx = Events.generic("er-edx", "org.openedx.learning.course.enrollment.created.v1");
        ((ObjectNode) edx.get("data")).removeAll().putObject("enrollment").putObject("user").put("id", 42)
                .putObject("pii").put("email", EMAIL);
        ObjectNode other = Events.courseViewed("er-other");
        other.put("userid", "43").putObject("record").put("email", OTHER_EMAIL);
        return List.of(enrolled, login, edx, other);
    }

    /**
     * PostgreSQL: an erasure that deletes a learner's waiting deliveries while another transaction
     * holds their key's line and then reaches for one of those deliveries is ended by PostgreSQL as
     * a deadlock's victim; it runs again and erases, rather than answering 503, and counts each row
     * once. (A transaction of the test's own plays the other side: an outcome, a replay or an
     * operator's delete of the same key at that moment.)
     */
    @Test
    void anErasureEndedByADeadlockRunsAgain() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES); Receiver receiver = new Receiver()) {
            Api api = h.api();
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)); // the deliveries wait in their line
            String id = api.post("/api/v1/services", Json.object().put("name", "crm").put("url", receiver.url())).json().get("id").asText();
            ObjectNode sub = Json.object().put("service_id", id).put("format", "event").put("ordering_key", "record.email");
            sub.putArray("events").add("*");
            api.post("/api/v1/subscriptions", sub);
            api.post("/api/v1/events", events());
            String waiting = api.get("/api/v1/events/er-login").json().get("deliveries").get(0).get("id").asText();
            String url = h.environment().get("HERALD_DATABASE_URL");
            try (var line = DriverManager.getConnection(url); var watch = DriverManager.getConnection(url)) {
                line.setAutoCommit(false);
                line.createStatement().executeQuery("SELECT delivery_id FROM ordering_tails FOR UPDATE").close();
                var erasing = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> api.post("/api/v1/erasure", Json.object().put("user_id", 42)));
                await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits(watch) == 1); // its deliveries deleted, at the line
                // the other side reaches for one of them: a deadlock, which PostgreSQL finds after deadlock_timeout
                try (var ps = line.prepareStatement("UPDATE deliveries SET updated_at = updated_at WHERE id = ?")) {
                    ps.setString(1, waiting);
                    assertThat(ps.executeUpdate()).isEqualTo(1); // granted once the erasure's first run was ended
                }
                line.rollback();
                var erased = erasing.get(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(erased.status()).as(erased.text()).isEqualTo(200);
                assertThat(erased.json().get("events").asLong()).isEqualTo(3);
                assertThat(erased.json().get("deliveries").asLong()).isEqualTo(3);
            }
            assertThat(api.get("/api/v1/events/er-login").status()).isEqualTo(404);
            assertThat(api.get("/api/v1/events/er-other").status()).isEqualTo(200);
        }
    }

    /** How many of the database's sessions wait for a lock. */
    private static int lockWaits(java.sql.Connection watch) throws java.sql.SQLException {
        try (var rs = watch.createStatement().executeQuery("SELECT COUNT(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLearnersEventsDeadLettersAttemptsAndWebfilterCallsAreGoneAndOthersStay(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend); Receiver down = new Receiver()) {
            down.answer(() -> 500);
            Api api = h.api();
            ObjectNode svc = Json.object().put("name", "crm").put("url", down.url());
            svc.putObject("retry").putArray("schedule_s"); // one attempt, then a dead letter holding the payload
            String id = api.post("/api/v1/services", svc).json().get("id").asText();
            // ordered by a personal value: the key's line (ordering_tails) must not keep it either
            ObjectNode sub = Json.object().put("service_id", id).put("format", "event").put("ordering_key", "record.email");
            sub.putArray("events").add("*");
            api.post("/api/v1/subscriptions", sub);
            String webfilter = api.post("/api/v1/webfilters", Json.object().put("filter_type", LOGIN).put("url", down.url() + "/wf"))
                    .json().get("id").asText();
            api.post("/api/v1/filters/" + LOGIN, Json.read("{\"data\":{\"user\":{\"id\":42,\"email\":\"" + EMAIL + "\"}}}"));
            api.post("/api/v1/events", events());
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters(api) == 4);
            // LMS code called the CRM about the learner through the gateway: the failed call is logged with its body
            var call = api.post("/api/v1/services/crm/requests", Json.read("{\"path\":\"/users\",\"payload\":{\"user\":{\"id\":42,"
                    + "\"email\":\"" + EMAIL + "\"}}}"));
            assertThat(call.json().get("success").asBoolean()).isFalse();

            var erased = api.post("/api/v1/erasure", Json.object().put("user_id", 42));
            assertThat(erased.status()).as(erased.text()).isEqualTo(200);
            JsonNode counts = erased.json();
            assertThat(counts.get("events").asInt()).isEqualTo(3);
            assertThat(counts.get("deliveries").asInt()).isEqualTo(4);
            assertThat(counts.get("dead_letters").asInt()).isEqualTo(4);
            assertThat(counts.get("attempts").asInt()).isEqualTo(4);
            assertThat(counts.get("webfilter_calls").asInt()).isEqualTo(1);
            assertThat(counts.get("gateway_requests").asInt()).isEqualTo(1);

            for (String gone : List.of("er-enrol", "er-login", "er-edx")) assertThat(api.get("/api/v1/events/" + gone).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/events/er-other").text()).contains(OTHER_EMAIL);
            assertThat(deadLetters(api)).isEqualTo(1);
            assertThat(api.get("/api/v1/webfilters/" + webfilter + "/calls").json().get("items")).isEmpty();

            // the audit log says it was done, not for whom
            var audit = api.get("/api/v1/audit?action=learner.erased").json().get("items");
            assertThat(audit).hasSize(1);
            // (its time and sequence number are left out: at 15:42 the time held the learner's id, 42)
            ObjectNode record = audit.get(0).deepCopy();
            record.remove(List.of("time", "id"));
            assertThat(record.toString()).doesNotContain("42").doesNotContain(EMAIL);

            if (backend == Backend.SQLITE) {
                String files = read(h.dataDir().resolve("herald.db")) + read(h.dataDir().resolve("herald.db-wal"));
                assertThat(files).contains(OTHER_EMAIL).doesNotContain(EMAIL);
            } else {
                assertThat(postgresRowsMentioning(h, EMAIL)).isZero();
                assertThat(postgresRowsMentioning(h, OTHER_EMAIL)).isPositive();
            }
            // a second erasure finds nothing
            assertThat(api.post("/api/v1/erasure", Json.object().put("user_id", "42")).json().get("events").asInt()).isZero();
        }
    }

    @Test
    void theCliErasesTooAndBadRequestsAreRefused() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            api.post("/api/v1/events", events());
            var run = Cli.run(h.environment(), "erase", "--user-id", "42");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(Json.read(run.out()).get("events").asInt()).isEqualTo(3);
            assertThat(api.get("/api/v1/events/er-login").status()).isEqualTo(404);

            var missing = api.post("/api/v1/erasure", Json.object());
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.errorFields()).containsExactly("user_id");
            assertThat(api.post("/api/v1/erasure", Json.object().put("user_id", true)).errorFields()).containsExactly("user_id");
            var readOnly = Json.object().put("name", "reader");
            readOnly.putArray("scopes").add("read");
            String key = api.post("/api/v1/api-keys", readOnly).json().get("key").asText();
            assertThat(h.api(key).post("/api/v1/erasure", Json.object().put("user_id", 43)).status()).isEqualTo(403);
            assertThat(api.get("/api/v1/events/er-other").status()).isEqualTo(200);
        }
    }

    /** Only rows whose text holds the id are read from the database: an id with LIKE's own characters is searched as written. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anIdWithLikesOwnCharactersIsFoundAsWrittenAndNoMore(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            for (String user : List.of("a_b%c!d", "axbyc!d", "A_B%C!D")) {
                var e = Events.generic("of-" + user, "crm.contact.updated");
                ((ObjectNode) e.get("data")).putObject("user").put("id", user);
                assertThat(api.post("/api/v1/events", e).status()).isEqualTo(202);
            }
            assertThat(api.post("/api/v1/erasure", Json.object().put("user_id", "a_b%c!d")).json().get("events").asInt()).isEqualTo(1);
            assertThat(api.get("/api/v1/events/of-a_b%25c!d").status()).isEqualTo(404);
            assertThat(api.get("/api/v1/events/of-axbyc!d").status()).isEqualTo(200);
            assertThat(api.get("/api/v1/events/of-A_B%25C!D").status()).isEqualTo(200);
        }
    }

    @Test
    void anErasureNarrowedToOneSourceLeavesTheSameIdOfAnotherLmsAlone() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            for (String source : List.of("src_campus", "src_college")) {
                api.post("/api/v1/events", Json.read("{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"userid\":7,\"courseid\":2,"
                        + "\"id\":\"seven-" + source + "\",\"source\":\"" + source + "\"}"));
            }
            var run = Cli.run(h.environment(), "erase", "--user-id", "7", "--source", "src_campus");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(Json.read(run.out()).get("events").asInt()).isEqualTo(1);
            assertThat(api.get("/api/v1/events/seven-src_campus").status()).isEqualTo(404);
            assertThat(api.get("/api/v1/events/seven-src_college").status()).as("another LMS's user 7").isEqualTo(200);

            var erased = api.post("/api/v1/erasure", Json.object().put("user_id", 7).put("source", "src_college"));
            assertThat(erased.json().get("events").asInt()).isEqualTo(1);
            assertThat(api.post("/api/v1/erasure", Json.object().put("user_id", 7).put("source", 3)).errorFields()).containsExactly("source");
        }
    }

    @Test
    void openEdxMessagesKeptUndecodedGoWhenTheyNameTheLearnerAndLoseTheirDataWhenTheyCannotBeRead() {
        try (EventBus bus = new EventBus(); TestHerald h = TestHerald.start(Backend.SQLITE)) {
            String topic = "learning-course-enrollment-lifecycle";
            String tooLong = "x".repeat(201); // decodes, but is no event: an id of at most 200 characters
            bus.add(topic, EventBus.ENROLLMENT_CREATED, tooLong + "-42", EventBus.enrollment(42, "ana42", "course-v1:A+B+C", "honor", true));
            bus.add(topic, EventBus.ENROLLMENT_CREATED, tooLong + "-43", EventBus.enrollment(43, "bo43", "course-v1:A+B+C", "honor", true));
            bus.add(topic, EventBus.ENROLLMENT_CREATED, "unreadable", new byte[] {2, 'x'});
            Api api = h.api();
            var source = Json.object().put("name", "edx").put("type", "openedx").put("redis_url", EventBus.URL)
                    .put("topic_prefix", bus.prefix).put("start", "beginning");
            source.putArray("topics").add(topic);
            String id = api.post("/api/v1/sources", source).json().get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> failures(api, id).size() == 3);

            JsonNode counts = api.post("/api/v1/erasure", Json.object().put("user_id", 42)).json();
            assertThat(counts.get("openedx_failed_messages").asInt()).isEqualTo(1);
            assertThat(counts.get("openedx_unreadable_payloads").asInt()).isEqualTo(1);
            JsonNode left = failures(api, id);
            assertThat(left).hasSize(2);
            assertThat(left.toString()).doesNotContain(tooLong + "-42");
            for (JsonNode f : left) {
                if (f.get("message_id").asText().equals("unreadable")) {
                    assertThat(f.get("event_data_base64").isNull()).isTrue();
                    assertThat(f.get("reason").asText()).contains("removed by a learner erasure");
                } else {
                    assertThat(new String(java.util.Base64.getDecoder().decode(f.get("event_data_base64").asText()), StandardCharsets.UTF_8))
                            .contains("bo43"); // another learner's stays as it was
                }
            }
            // nothing left to find the second time
            JsonNode again = api.post("/api/v1/erasure", Json.object().put("user_id", 42)).json();
            assertThat(again.get("openedx_failed_messages").asInt()).isZero();
            assertThat(again.get("openedx_unreadable_payloads").asInt()).isZero();
        }
    }

    private static JsonNode failures(Api api, String sourceId) {
        return api.get("/api/v1/sources/" + sourceId + "/failures").json().get("items");
    }

    @Test
    void onlyTheLearnersOwnIdsMatch() {
        assertThat(Erasure.concerns("{\"userid\":\"42\"}", "42")).isTrue();
        assertThat(Erasure.concerns("{\"relateduserid\":42}", "42")).isTrue();
        assertThat(Erasure.concerns("{\"data\":{\"certificate\":{\"user\":{\"id\":42}}}}", "42")).isTrue();
        assertThat(Erasure.concerns("{\"userid\":\"420\",\"courseid\":42,\"contextid\":42}", "42")).isFalse();
        assertThat(Erasure.concerns("{\"data\":{\"user\":{\"id\":4200}}}", "42")).isFalse();
        assertThat(Erasure.concerns("not json 42", "42")).isFalse();
    }

    private static int deadLetters(Api api) {
        return api.get("/api/v1/deliveries?status=dead&limit=500").json().get("items").size();
    }

    private static String read(Path p) throws java.io.IOException {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "";
    }

    /** Rows of any table of Herald's database whose text holds {@code value}. */
    private static long postgresRowsMentioning(TestHerald h, String value) throws Exception {
        String url = h.environment().get("HERALD_DATABASE_URL");
        long n = 0;
        try (var c = DriverManager.getConnection(url)) {
            List<String> tables = new java.util.ArrayList<>();
            try (var rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
            }
            for (String t : tables) {
                try (var ps = c.prepareStatement("SELECT count(*) FROM " + t + " x WHERE x::text LIKE ?")) {
                    ps.setString(1, "%" + value + "%");
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        n += rs.getLong(1);
                    }
                }
            }
        }
        return n;
    }
}
