package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static herald.delivery.Hooks.onlyDelivery;
import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeadLettersTest {

    private static int count(Api api, String query) {
        var r = api.get("/api/v1/deliveries?" + query);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("items").size();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void deadLettersAreListedByFilterInspectedReplayedAndDeleted(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            receiver.answer(() -> 500);
            var once = Json.object();
            once.putObject("retry").putArray("schedule_s"); // one attempt, then dead
            String svc = serviceSubscribedToAll(api, "crm", receiver.url(), once);
            api.post("/api/v1/events", Events.courseViewed("dl-1").put("courseid", "1").put("userid", "7"));
            api.post("/api/v1/events", Events.courseViewed("dl-2").put("courseid", "2").put("userid", "8"));
            api.post("/api/v1/events", Events.generic("dl-3", "user.created"));
            await().atMost(Duration.ofSeconds(10)).until(() -> count(api, "status=dead") == 3);

            assertThat(count(api, "status=dead&service_id=" + svc)).isEqualTo(3);
            assertThat(count(api, "status=dead&service_id=svc_other")).isZero();
            assertThat(count(api, "status=dead&course_id=2")).isEqualTo(1);
            assertThat(count(api, "status=dead&user_id=8")).isEqualTo(1);
            assertThat(count(api, "status=dead&user_id=7")).isEqualTo(2); // dl-1 and the generic event's data.user.id
            assertThat(count(api, "status=dead&event_type=user.created")).isEqualTo(1);
            assertThat(count(api, "status=dead&error=" + q("http 500"))).isEqualTo(3);
            assertThat(count(api, "status=dead&error=" + q("timeout"))).isZero();
            assertThat(count(api, "status=dead&since=" + q("2020-01-01T00:00:00Z") + "&until=" + q("2100-01-01T00:00:00Z")))
                    .isEqualTo(3);
            assertThat(count(api, "status=dead&since=" + q("2100-01-01T00:00:00Z"))).isZero();
            assertThat(api.get("/api/v1/deliveries?since=yesterday").errorFields()).containsExactly("since");

            // The exact request that was sent is kept with the failed attempt.
            var dead = onlyDelivery(api, "dl-3");
            var request = dead.get("attempts").get(0).get("request");
            var sent = receiver.received().stream().filter(r -> r.body().contains("dl-3")).findFirst().orElseThrow();
            assertThat(request.get("body").asText()).isEqualTo(sent.body());
            assertThat(request.get("method").asText()).isEqualTo("POST");
            assertThat(request.get("url").asText()).isEqualTo(receiver.url());
            assertThat(request.get("headers").get("webhook-id").asText()).isEqualTo(dead.get("id").asText());

            // Replay one: same webhook-id.
            receiver.answer(() -> 200);
            String id = dead.get("id").asText();
            assertThat(api.post("/api/v1/deliveries/" + id + "/retry", null).status()).isEqualTo(202);
            awaitDelivery(api, "dl-3", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            assertThat(receiver.received().getLast().header("webhook-id")).isEqualTo(id);

            // Replay many by filter: only the matching dead letter goes.
            var replay = api.post("/api/v1/deliveries/replay", Json.object().put("course_id", "2").put("service_id", svc));
            assertThat(replay.status()).isEqualTo(202);
            assertThat(replay.json().get("replayed").asInt()).isEqualTo(1);
            awaitDelivery(api, "dl-2", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            assertThat(onlyDelivery(api, "dl-1").get("status").asText()).isEqualTo("dead");
            assertThat(api.post("/api/v1/deliveries/replay", Json.object().put("since", "yesterday")).errorFields())
                    .containsExactly("since");
            assertThat(api.post("/api/v1/deliveries/replay", Json.object().put("status", "delivering")).errorFields())
                    .containsExactly("status");

            // Delete a dead letter.
            String dl1 = onlyDelivery(api, "dl-1").get("id").asText();
            assertThat(api.delete("/api/v1/deliveries/" + dl1).status()).isEqualTo(204);
            assertThat(api.get("/api/v1/deliveries/" + dl1).status()).isEqualTo(404);
            assertThat(count(api, "status=dead")).isZero();
        }
    }

    /**
     * A replay is committed 500 at a time. One that fails part way (here PostgreSQL refuses an update
     * in the second batch) answers 503, keeps the first batch replayed, and records it in the audit
     * log: nothing replayed goes unrecorded, and the failed batch's dead letters stay dead.
     */
    @org.junit.jupiter.api.Test
    void aReplayThatFailsPartWayRecordsWhatItReplayed() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES); Receiver receiver = new Receiver()) {
            Api api = h.api();
            receiver.answer(() -> 500);
            var once = Json.object();
            once.putObject("retry").putArray("schedule_s");
            String svc = serviceSubscribedToAll(api, "crm", receiver.url(), once);
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
            api.ingest(Events.courseViewed("pw-", 510));
            String url = h.environment().get("HERALD_DATABASE_URL");
            try (var c = java.sql.DriverManager.getConnection(url); var st = c.createStatement()) {
                st.executeUpdate("UPDATE deliveries SET status = 'dead', attempts = 1"); // 510 dead letters, none sent
                var rs = st.executeQuery("SELECT id FROM deliveries ORDER BY id OFFSET 505 LIMIT 1");
                rs.next();
                String inSecondBatch = rs.getString(1);
                st.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$");
                st.execute("CREATE TRIGGER refuse BEFORE UPDATE ON deliveries FOR EACH ROW WHEN (OLD.id = '" + inSecondBatch
                        + "') EXECUTE FUNCTION refuse()");
            }
            var replay = api.post("/api/v1/deliveries/replay", Json.object().put("service_id", svc));
            assertThat(replay.status()).as(replay.text()).isEqualTo(503);
            var audit = api.get("/api/v1/audit?action=deliveries.replayed").json().get("items");
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).at("/after/replayed").asInt()).isEqualTo(500);
            assertThat(api.post("/api/v1/deliveries/replay?dry_run=true", Json.object().put("service_id", svc))
                    .json().get("would_replay").asInt()).as("the second batch's dead letters").isEqualTo(10);
        }
    }
}
