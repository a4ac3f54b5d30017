package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthTest {
    static TestHerald herald;
    static String ingestKey;
    static String readKey;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE);
        ingestKey = key("ingest");
        readKey = key("read");
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static String key(String scope) {
        var body = Json.object().put("name", scope + " key");
        body.putArray("scopes").add(scope);
        var r = herald.api().post("/api/v1/api-keys", body);
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("key").asText();
    }

    @Test
    void everyApiRouteNeedsAKeyAndTheRightScope() {
        var routes = herald.herald().routes();
        assertThat(routes).hasSizeGreaterThan(25);
        int checked = 0;
        for (String[] route : routes) {
            String method = route[0], path = route[1].replaceAll("\\{[^}]+}", "x");
            if (!path.startsWith("/api/")) continue;
            checked++;
            assertThat(herald.api(null).send(method, path, "{}").status()).as("%s %s without key", method, path).isEqualTo(401);
            assertThat(herald.api("wrong-key").send(method, path, "{}").status()).as("%s %s bad key", method, path).isEqualTo(401);
            // The ingest scope covers publishing events and asking for webfilters, nothing else.
            boolean ingest = method.equals("POST") && (path.equals("/api/v1/events") || path.equals("/api/v1/filters/x"));
            if (ingest) {
                assertThat(herald.api(ingestKey).send(method, path, "{}").status()).as("%s %s ingest key", method, path).isNotIn(401, 403);
            } else {
                assertThat(herald.api(ingestKey).send(method, path, "{}").status()).as("%s %s ingest key", method, path).isEqualTo(403);
            }
            if (!method.equals("GET")) {
                assertThat(herald.api(readKey).send(method, path, "{}").status()).as("%s %s read key", method, path).isEqualTo(403);
            }
        }
        assertThat(checked).isGreaterThan(25);
    }

    @Test
    void anIngestKeyMayPostEventsAndAReadKeyMayReadThem() {
        Api ingest = herald.api(ingestKey);
        var r = ingest.post("/api/v1/events", Events.courseViewed("auth-1"));
        assertThat(r.status()).isEqualTo(202);
        assertThat(herald.api(readKey).get("/api/v1/events/auth-1").status()).isEqualTo(200);
        assertThat(herald.api(readKey).get("/api/v1/backup?include_secrets=true").status()).isEqualTo(403);
    }

    @Test
    void aRevokedKeyStopsWorking() {
        var body = Json.object().put("name", "temp");
        body.putArray("scopes").add("read");
        var created = herald.api().post("/api/v1/api-keys", body).json();
        Api temp = herald.api(created.get("key").asText());
        assertThat(temp.get("/api/v1/services").status()).isEqualTo(200);
        assertThat(herald.api().delete("/api/v1/api-keys/" + created.get("id").asText()).status()).isEqualTo(204);
        assertThat(temp.get("/api/v1/services").status()).isEqualTo(401);
    }

    @Test
    void healthNeedsNoKeyAndMetricsAReadKey() {
        var health = herald.api(null).get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("up");
        assertThat(herald.api(null).get("/metrics").status()).isEqualTo(401);
        assertThat(herald.api(ingestKey).get("/metrics").status()).isEqualTo(403);
        var metrics = herald.api(readKey).get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("herald_events_ingested_total").contains("herald_deliveries{");
    }
}
