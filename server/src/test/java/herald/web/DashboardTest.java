package herald.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard's services as an administrator reads them: a service whose breaker holds its deliveries says so. */
class DashboardTest {
    private static final Map<String, String> ADMIN = Map.of("HERALD_ADMIN_USER", "ada", "HERALD_ADMIN_PASSWORD", "correct-horse-battery");

    @Test
    void anOpenBreakerShowsInItsServicesStateAndInTheTile() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN); Receiver down = new Receiver(); Receiver up = new Receiver()) {
            Api api = herald.api();
            down.answer(() -> 503);
            ObjectNode breaker = Json.object();
            breaker.putObject("circuit_breaker").put("threshold", 2).put("window_s", 60).put("cooldown_s", 600);
            String flaky = api.serviceSubscribedToAll("flaky", down.url(), breaker);
            String steady = api.serviceSubscribedToAll("steady", up.url(), null);
            api.post("/api/v1/events", List.of(Events.courseViewed("d-1"), Events.courseViewed("d-2")));
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/services/" + flaky).json()
                    .get("circuit_breaker").get("state").asText().equals("open"));

            UiClient ui = new UiClient(herald.herald().port());
            assertThat(ui.signIn("ada", "correct-horse-battery").status()).isEqualTo(303);
            String panel = ui.get("/admin/dashboard/panel").body();
            assertThat(stateCell(panel, flaky)).contains(">running<", ">breaker open<");
            assertThat(stateCell(panel, steady)).contains(">running<").doesNotContain("breaker");
            assertThat(panel).containsPattern("Open breakers</span><span class=\"value bad\">1<");
        }
    }

    /** The state cell of the service's row in the dashboard's services table. */
    private static String stateCell(String panel, String serviceId) {
        Matcher m = Pattern.compile("<a href=\"/admin/services/" + Pattern.quote(serviceId) + "\">[^<]*</a></td>\\s*<td>(.*?)</td>",
                Pattern.DOTALL).matcher(panel);
        assertThat(m.find()).as("a row for " + serviceId + " in " + panel).isTrue();
        return m.group(1);
    }
}
