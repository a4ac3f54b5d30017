package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The trees parsed from request bodies are weighed (HERALD_REQUEST_MEMORY_BYTES): a 1 MiB body of
 * tiny objects is some 30 MiB as a tree, and 64 senders of such bodies ran a 320 MiB heap out.
 */
class RequestMemoryTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One generic event whose data holds {@code n} empty objects: small as text, large as a tree. */
    private static String heavy(String id, int n) {
        return "{\"id\":\"" + id + "\",\"type\":\"test.heavy\",\"source\":\"https://lms.example/\",\"time\":\"2026-01-31T12:00:00Z\","
                + "\"data\":{\"xs\":[" + "{},".repeat(n - 1) + "{}]}}";
    }

    private static HttpResponse<String> post(TestHerald h, String path, String body, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.herald().port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyTooHeavyAsATreeIsA413NamingTheBodyAndOrdinaryBatchesGoOnUnheld() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_REQUEST_MEMORY_BYTES", String.valueOf(4 << 20)))) {
            Api api = h.api();
            String key = "Bearer " + h.environment().get("HERALD_ADMIN_KEY");
            // 100,000 empty objects: 300 KB of text, some 16 MB as weighed.
            var refused = post(h, "/api/v1/events", heavy("heavy-1", 100_000), "Authorization", key);
            assertThat(refused.statusCode()).isEqualTo(413);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(Json.read(refused.body()).toString()).contains("\"body\"");
            assertThat(api.get("/api/v1/events/heavy-1").status()).as("nothing stored").isEqualTo(404);
            // The same through a route Javalin serves (a subscription's preview body), and an inbound hook.
            var hook = Json.object().put("name", "heavy").put("format", "json").put("event_type", "crm.heavy");
            hook.set("auth", Json.read("{\"type\":\"bearer\",\"token\":\"a-long-bearer-token-1\"}"));
            assertThat(api.post("/api/v1/hooks", hook).status()).isEqualTo(201);
            assertThat(post(h, "/hooks/heavy", "{\"xs\":[" + "{},".repeat(99_999) + "{}]}",
                    "Authorization", "Bearer a-long-bearer-token-1").statusCode()).isEqualTo(413);
            assertThat(post(h, "/api/v1/subscriptions", "{\"xs\":[" + "{},".repeat(99_999) + "{}]}",
                    "Authorization", key).statusCode()).isEqualTo(413);
            // Batches of 500 ordinary events, one after another: none is refused, so each let its share go.
            for (int round = 0; round < 12; round++) {
                var batch = Json.MAPPER.writeValueAsString(Events.courseViewed("r" + round + "-", 500));
                assertThat(post(h, "/api/v1/events", batch, "Authorization", key).statusCode()).isEqualTo(202);
            }
            var hookOk = post(h, "/hooks/heavy", "{\"contact\":{\"id\":7}}", "Authorization", "Bearer a-long-bearer-token-1");
            assertThat(hookOk.statusCode()).isEqualTo(202);
        }
    }
}
