package herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A form the server refuses comes back with the choices and the text the admin gave, the error beside them. */
class FormsKeepWhatWasTypedTest {
    private static final Map<String, String> ADMIN = Map.of("HERALD_ADMIN_USER", "ada", "HERALD_ADMIN_PASSWORD", "correct-horse-battery",
            "HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");

    @Test
    void aRetryScheduleThatCannotBeReadKeepsItsChoiceAndText() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            var schedule = ui.postWithToken("/admin/services/new", Map.of("name", "crm", "url", "https://crm.example/hook",
                    "_retry_kind", "schedule", "_retry_schedule", "5, soon, later"));
            assertThat(schedule.status()).isEqualTo(400);
            assertThat(schedule.body()).containsPattern("<option value=\"schedule\" selected")
                    .contains("value=\"5, soon, later\"").contains("the schedule is a list of whole seconds");

            var backOff = ui.postWithToken("/admin/services/new", Map.of("name", "crm", "url", "https://crm.example/hook",
                    "_retry_kind", "exponential", "_retry_base_s", "five", "_retry_factor", "2"));
            assertThat(backOff.status()).isEqualTo(400);
            assertThat(backOff.body()).containsPattern("<option value=\"exponential\" selected")
                    .contains("value=\"five\"").contains("base_s must be a number");
        }
    }

    @Test
    void aSettingsFormRefusedShowsTheSettingsAgainWithTheReasonInItsSection() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            var key = ui.postWithToken("/admin/keys", Map.of("name", "moodle-ingest"));
            assertThat(key.status()).isEqualTo(400);
            assertThat(key.body()).contains("<h1>Settings</h1>").contains("This was not done").contains("scopes: give one or more")
                    .contains("value=\"moodle-ingest\"");

            var user = ui.postWithToken("/admin/users", Map.of("username", "ada", "role", "operator"));
            assertThat(user.status()).isEqualTo(409);
            assertThat(user.body()).contains("<h1>Settings</h1>").contains("value=\"ada\"").containsPattern("<option selected>operator</option>");
        }
    }

    @Test
    void aTestSendKeepsTheShapeItWasSentIn() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN); Receiver receiver = new Receiver()) {
            String service = herald.api().serviceSubscribedToAll("crm", receiver.url(), null);
            var template = Json.object().put("service_id", service).put("format", "template").put("template", "{\"who\": \"{{userid}}\"}");
            template.putArray("events").add("*");
            String shaped = herald.api().post("/api/v1/subscriptions", template).json().get("id").asText();
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            var sent = ui.postWithToken("/admin/services/" + service + "/test", Map.of("event_type", "\\core\\event\\user_created",
                    "subscription_id", shaped));
            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.body()).contains("<option value=\"" + shaped + "\" selected");
        }
    }

    @Test
    void aBadPatternIsNamedByItsTextBesideThePatterns() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            String service = herald.api().post("/api/v1/services", Json.object().put("name", "crm").put("url", "https://crm.example/hook"))
                    .json().get("id").asText();
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            String stars = "*".repeat(17);
            var refused = ui.postWithToken("/admin/subscriptions/new", Map.of("service_id", service, "format", "event",
                    "_event", "\\core\\event\\user_created", "_patterns", "\\core\\event\\course_*\n" + stars));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("'" + stars + "' may hold at most 16").doesNotContain("events[2]")
                    .containsPattern("id=\"f-events-error\"[^>]*>'");
        }
    }
}
