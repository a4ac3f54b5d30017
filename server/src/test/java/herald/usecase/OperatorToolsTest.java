package herald.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.MoodleDb;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What an operator asks before acting: a test send that shows the exact exchange, how many
 * deliveries a replay would take, what a restore would change, whether a source's database answers.
 */
class OperatorToolsTest {

    @Test
    void aTestSendShowsTheExchangeAndStoresNothing() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = herald.api();
            var svc = Json.object().put("name", "crm").put("url", receiver.url());
            svc.putObject("auth").put("type", "bearer").put("token", "the-bearer-secret");
            String id = api.post("/api/v1/services", svc).json().get("id").asText();
            receiver.reply(r -> Receiver.Reply.status(201).header("X-Receiver", "yes").body("{\"took\":true}"));

            var r = api.post("/api/v1/services/" + id + "/test", Json.object().put("event_type", "\\core\\event\\user_created"));
            assertThat(r.status()).isEqualTo(200);
            var x = r.json();
            assertThat(x.at("/request/method").asText()).isEqualTo("POST");
            assertThat(x.at("/request/headers/webhook-id").asText()).startsWith("test_");
            assertThat(x.at("/request/headers/Authorization").asText()).isEqualTo("Bearer ********");
            assertThat(x.at("/request/body").asText()).contains("user_created");
            assertThat(x.at("/response/status").asInt()).isEqualTo(201);
            assertThat(x.at("/response/body").asText()).isEqualTo("{\"took\":true}");
            assertThat(x.at("/response/headers").toString().toLowerCase()).contains("\"x-receiver\"").contains("yes");

            assertThat(receiver.received()).hasSize(1);
            assertThat(receiver.received().get(0).header("Authorization")).isEqualTo("Bearer the-bearer-secret");
            assertThat(receiver.received().get(0).header("webhook-signature")).startsWith("v1,");
            assertThat(api.get("/api/v1/deliveries").json().get("items")).as("nothing stored").isEmpty();
            assertThat(api.post("/api/v1/services/" + id + "/test", Json.object().put("event_type", "nope")).errorFields())
                    .containsExactly("event_type");

            // A receiver that echoes the request shows the operator no more of the service's credential than the request does.
            receiver.reply(q -> Receiver.Reply.status(200).header("X-Echo", q.header("Authorization")).body(q.headers().toString()));
            var echoed = api.post("/api/v1/services/" + id + "/test", Json.object().put("event_type", "\\core\\event\\user_created")).json();
            assertThat(echoed.at("/response/body").asText()).contains("Bearer ********").doesNotContain("the-bearer-secret");
            assertThat(echoed.at("/response/headers").toString()).contains("Bearer ********").doesNotContain("the-bearer-secret");
        }
    }

    @Test
    void aReplayDryRunCountsAndChangesNothing() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = herald.api();
            receiver.answer(() -> 500);
            var svc = Json.object().put("name", "down").put("url", receiver.url());
            svc.putObject("retry").putArray("schedule_s");
            String id = api.post("/api/v1/services", svc).json().get("id").asText();
            var sub = Json.object().put("service_id", id);
            sub.putArray("events").add("*");
            api.post("/api/v1/subscriptions", sub);
            for (int i = 0; i < 3; i++) api.post("/api/v1/events", Events.courseViewed("dry-" + i));
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/deliveries?status=dead").json().get("items").size() == 3);

            var dry = api.post("/api/v1/deliveries/replay?dry_run=true", Json.object().put("service_id", id));
            assertThat(dry.status()).isEqualTo(200);
            assertThat(dry.json().get("would_replay").asInt()).isEqualTo(3);
            assertThat(api.get("/api/v1/deliveries?status=dead").json().get("items")).hasSize(3);
            assertThat(api.post("/api/v1/deliveries/replay?dry_run=true", Json.object().put("service_id", "svc_other"))
                    .json().get("would_replay").asInt()).isZero();
            assertThat(api.post("/api/v1/deliveries/replay?dry_run=maybe", Json.object()).errorFields()).containsExactly("dry_run");
        }
    }

    @Test
    void aRestoreDryRunListsEveryChangeAndAppliesNone() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            Api api = herald.api();
            String keep = api.post("/api/v1/services", Json.object().put("name", "keep").put("url", "https://a.example.org/")).json().get("id").asText();
            var backup = api.get("/api/v1/backup").json();
            api.patch("/api/v1/services/" + keep, Json.object().put("url", "https://changed.example.org/"));
            api.post("/api/v1/services", Json.object().put("name", "extra").put("url", "https://b.example.org/"));

            var dry = api.post("/api/v1/restore?mode=replace&dry_run=true", backup);
            assertThat(dry.status()).isEqualTo(200);
            assertThat(dry.json().get("applied").asBoolean()).isFalse();
            assertThat(dry.json().get("changes").toString())
                    .contains("{\"kind\":\"service\",\"action\":\"update\",\"id\":\"" + keep + "\",\"name\":\"keep\"}")
                    .contains("\"action\":\"remove\"").contains("\"name\":\"extra\"");
            assertThat(api.get("/api/v1/services/" + keep).json().get("url").asText()).isEqualTo("https://changed.example.org/");
            assertThat(api.get("/api/v1/services").json().get("items")).hasSize(2);

            var applied = api.post("/api/v1/restore?mode=replace", backup);
            assertThat(applied.json().get("applied").asBoolean()).isTrue();
            assertThat(api.get("/api/v1/services").json().get("items")).hasSize(1);
            assertThat(api.post("/api/v1/restore?mode=replace&dry_run=true", backup).json().get("changes")).as("nothing left to change").isEmpty();
        }
    }

    @Test
    void aSourceConnectionIsTestedWithoutSavingAndItsErrorsNameNoSecret() {
        try (MoodleDb moodle = MoodleDb.create(MoodleDb.Kind.MARIADB); TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            Api api = herald.api();
            var source = Json.object().put("name", "lms").put("jdbc_url", moodle.jdbcUrl()).put("user", moodle.user());
            var ok = api.post("/api/v1/sources/test", source);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.json().get("ok").asBoolean()).as(ok.text()).isTrue();
            assertThat(ok.json().get("message").asText()).contains("mdl_logstore_standard_log");

            var wrong = api.post("/api/v1/sources/test", source.deepCopy().put("password", "not-the-password-xyz"));
            assertThat(wrong.json().get("ok").asBoolean()).isFalse();
            assertThat(wrong.json().get("message").asText()).contains("refused the user or password").doesNotContain("not-the-password-xyz");
            var noTable = api.post("/api/v1/sources/test", source.deepCopy().put("table_prefix", "nope_"));
            assertThat(noTable.json().get("message").asText()).contains("nope_logstore_standard_log does not exist");
            assertThat(api.get("/api/v1/sources").json().get("items")).as("nothing saved").isEmpty();

            String id = api.post("/api/v1/sources", source.put("enabled", false)).json().get("id").asText();
            assertThat(api.post("/api/v1/sources/" + id + "/test", Json.object()).json().get("ok").asBoolean()).isTrue();
            assertThat(api.post("/api/v1/sources/test", Json.object().put("name", "x").put("jdbc_url", "jdbc:oracle:thin:@x")).errorFields())
                    .containsExactly("jdbc_url");
        }
    }
}
