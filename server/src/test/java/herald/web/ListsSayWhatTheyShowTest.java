package herald.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The admin UI's lists name what an admin knows (events, sources, services gone) and offer what each role may do. */
class ListsSayWhatTheyShowTest {
    private static final Map<String, String> ADMIN = Map.of("HERALD_ADMIN_USER", "ada", "HERALD_ADMIN_PASSWORD", "correct-horse-battery",
            "HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");

    @Test
    void deadLettersNameTheirEventAndAServiceThatIsGone() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN); Receiver receiver = new Receiver()) {
            receiver.answer(() -> 500);
            Api api = herald.api();
            var noRetries = Json.object();
            noRetries.putObject("retry").putArray("schedule_s");
            String id = api.serviceSubscribedToAll("hr", receiver.url(), noRetries);
            api.post("/api/v1/events", Json.read("{\"eventname\":\"\\\\core\\\\event\\\\user_enrolment_created\",\"userid\":31,\"courseid\":7,"
                    + "\"id\":\"enrol-31\"}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/deliveries?status=dead").json().get("items").size() == 1);
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            assertThat(ui.get("/admin/dead").body()).contains("\\core\\event\\user_enrolment_created").contains("user 31, course 7");

            assertThat(api.delete("/api/v1/services/" + id).status()).isEqualTo(204);
            assertThat(ui.get("/admin/dead").body()).contains(id + " (deleted)");
        }
    }

    /**
     * The lists showed their newest 500 with no word of the rest, and a subscription's editor offered
     * the newest 500 services: an older subscription's own service was not among them, and saving the
     * form unchanged gave its events to the first one offered.
     */
    @Test
    void longListsGoOnPageByPageAndAnEditorAlwaysOffersItsOwnService() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            Api api = herald.api();
            String oldest = api.serviceSubscribedToAll("the-oldest", "http://127.0.0.1:9/hook", Json.object());
            String sub = api.get("/api/v1/subscriptions?service_id=" + oldest).json().get("items").get(0).get("id").asText();
            for (int i = 0; i < ServicePages.PAGE + 5; i++) {
                assertThat(api.post("/api/v1/services", Json.object().put("name", "newer-" + i).put("url", "http://127.0.0.1:9/h")).status())
                        .isEqualTo(201);
            }
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            String first = ui.get("/admin/services").body();
            assertThat(first).doesNotContain(">the-oldest<").contains("Older services");
            var next = Pattern.compile("href=\"(/admin/services\\?after=[^\"]+)\"[^>]*>Older services").matcher(first);
            assertThat(next.find()).isTrue();
            assertThat(ui.get(next.group(1)).body()).contains(">the-oldest<").doesNotContain("Older services");

            String editor = ui.get("/admin/subscriptions/" + sub).body();
            assertThat(editor).containsPattern("<option value=\"" + oldest + "\" selected>the-oldest</option>");
            assertThat(editor).doesNotContain("Choose a service");
            assertThat(ui.get("/admin/subscriptions/new").body()).contains("<option value=\"\" selected>Choose a service</option>");
        }
    }

    @Test
    void eventsNameTheirSourceAndAreFoundByIt() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            Api api = herald.api();
            String source = api.post("/api/v1/sources", Json.read("{\"name\":\"campus-moodle\",\"jdbc_url\":\"jdbc:mariadb://127.0.0.1:1/moodle\","
                    + "\"user\":\"reader\",\"enabled\":false}")).json().get("id").asText();
            api.post("/api/v1/events", Json.read("{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"userid\":2,\"courseid\":4,"
                    + "\"id\":\"from-campus\",\"source\":\"" + source + "\"}"));
            api.post("/api/v1/events", Json.read("{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"userid\":2,\"courseid\":4,\"id\":\"elsewhere\"}"));
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            String found = ui.get("/admin/events?source=campus-moodle").body();
            assertThat(found).contains("campus-moodle").contains("/admin/events/from-campus").doesNotContain("/admin/events/elsewhere");
        }
    }

    @Test
    void eachRoleIsOfferedWhatItMayDo() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            UiClient admin = new UiClient(herald.herald().port());
            admin.signIn("ada", "correct-horse-battery");
            assertThat(admin.get("/admin/subscriptions").body()).contains("href=\"/admin/subscriptions/new\"").contains("/admin/inspector");

            var made = admin.postWithToken("/admin/users", Map.of("username", "vic", "role", "viewer"));
            String oneTime = UiClient.match(Pattern.compile("id=\"secret\" readonly value=\"([^\"]+)\""), made.body());
            UiClient viewer = new UiClient(herald.herald().port());
            viewer.signIn("vic", oneTime);
            assertThat(viewer.postWithToken("/admin/password", Map.of("current_password", oneTime, "new_password", "vics-own-long-password",
                    "new_password_again", "vics-own-long-password"))
                    .status()).isEqualTo(303);
            String page = viewer.get("/admin/subscriptions").body();
            assertThat(page).doesNotContain("/admin/inspector").doesNotContain("href=\"/admin/subscriptions/new\"");
        }
    }

    @Test
    void anAuditEntryNamesWhatChanged() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            Api api = herald.api();
            String id = api.post("/api/v1/services", Json.object().put("name", "crm").put("url", "https://crm.example/hook")).json()
                    .get("id").asText();
            assertThat(api.patch("/api/v1/services/" + id, Json.object().put("url", "https://crm.example/v2")).status()).isEqualTo(200);
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            String page = ui.get("/admin/audit").body();
            assertThat(page).containsPattern("Changed: <span class=\"mono\">url</span>");
        }
    }

    @Test
    void anEventNoSubscriptionTookSaysWhichPassedItOverAndWhy() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            Api api = herald.api();
            String id = api.post("/api/v1/services", Json.object().put("name", "crm").put("url", "https://crm.example/hook")).json()
                    .get("id").asText();
            var sub = Json.object().put("service_id", id);
            sub.putArray("events").add("\\core\\event\\course_viewed");
            sub.putObject("filter").putArray("all").addObject().put("path", "courseid").put("equals", 4);
            assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            api.post("/api/v1/events", Json.read("{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"courseid\":5,\"userid\":2,"
                    + "\"id\":\"elsewhere-5\"}"));
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            assertThat(ui.get("/admin/events/elsewhere-5").body()).contains("No subscription took this event")
                    .contains("crm's subscription</a>: its filter left the event out");
        }
    }
}
