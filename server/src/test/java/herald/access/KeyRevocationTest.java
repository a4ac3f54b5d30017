package herald.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.app.Herald;
import herald.config.HeraldConfig;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.TestHerald;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two nodes on one PostgreSQL: a key revoked on one stops working on the other within 2 seconds. */
class KeyRevocationTest {

    @Test
    void aKeyRevokedOnOneNodeStopsWorkingOnTheOtherWithinTwoSeconds() {
        try (TestHerald first = TestHerald.start(Backend.POSTGRES);
             Herald second = Herald.start(HeraldConfig.fromMap(first.environment()))) {
            var body = Json.object().put("name", "temporary admin");
            body.putArray("scopes").add("admin");
            var created = first.api().post("/api/v1/api-keys", body).json();
            String key = created.get("key").asText();
            Api onSecond = new Api(second.port(), key);
            assertThat(onSecond.get("/api/v1/services").status()).isEqualTo(200); // now cached on the second node

            assertThat(first.api().delete("/api/v1/api-keys/" + created.get("id").asText()).status()).isEqualTo(204);

            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> onSecond.get("/api/v1/services").status() == 401);
            var mint = Json.object().put("name", "minted");
            mint.putArray("scopes").add("admin");
            assertThat(onSecond.post("/api/v1/api-keys", mint).status()).isEqualTo(401);
        }
    }
}
