package herald.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Cli;
import herald.testing.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every configuration change is in the audit log: who, when, what, before and after, and never a secret. */
class AuditTest {

    @Test
    void apiChangesAreRecordedWithTheirKeyAndTheResourceBeforeAndAfterSecretsMasked() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            Api admin = herald.api();
            var keyBody = Json.object().put("name", "deployer");
            keyBody.putArray("scopes").add("admin");
            String deployerKey = admin.post("/api/v1/api-keys", keyBody).json().get("key").asText();
            Api deployer = herald.api(deployerKey);

            var service = Json.object().put("name", "crm").put("url", "https://crm.example.org/hook").put("token", "token-in-clear-1");
            service.putObject("auth").put("type", "bearer").put("token", "bearer-in-clear-2");
            String id = deployer.post("/api/v1/services", service).json().get("id").asText();
            assertThat(deployer.patch("/api/v1/services/" + id, Json.object().put("url", "https://crm.example.org/v2")).status()).isEqualTo(200);
            assertThat(deployer.delete("/api/v1/services/" + id).status()).isEqualTo(204);

            var page = admin.get("/api/v1/audit?target_type=service&target_id=" + id);
            assertThat(page.status()).isEqualTo(200);
            List<JsonNode> entries = new ArrayList<>();
            page.json().get("items").forEach(entries::add);
            assertThat(entries).extracting(e -> e.get("action").asText())
                    .containsExactly("service.deleted", "service.updated", "service.created");
            assertThat(entries).allSatisfy(e -> {
                assertThat(e.at("/actor/kind").asText()).isEqualTo("api_key");
                assertThat(e.at("/actor/name").asText()).isEqualTo("deployer");
                assertThat(e.at("/target/name").asText()).isEqualTo("crm");
            });
            JsonNode update = entries.get(1);
            assertThat(update.at("/before/url").asText()).isEqualTo("https://crm.example.org/hook");
            assertThat(update.at("/after/url").asText()).isEqualTo("https://crm.example.org/v2");
            assertThat(update.at("/after/token").asText()).isEqualTo("********");
            assertThat(entries.get(2).get("before").isNull()).isTrue();
            assertThat(entries.get(0).get("after").isNull()).isTrue();
            assertThat(page.text()).doesNotContain("token-in-clear-1").doesNotContain("bearer-in-clear-2");

            // the key that was made is there too, without its value
            var keys = admin.get("/api/v1/audit?action=api_key.created").json().get("items");
            assertThat(keys).hasSize(1);
            assertThat(keys.get(0).at("/after/name").asText()).isEqualTo("deployer");
            assertThat(admin.get("/api/v1/audit?limit=500").text()).doesNotContain(deployerKey);
            assertThat(admin.get("/api/v1/audit?actor=nobody").json().get("items")).isEmpty();
        }
    }

    @Test
    void aRestoreFromTheCommandLineIsRecordedAsTheCli() throws Exception {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            Api api = herald.api();
            api.post("/api/v1/services", Json.object().put("name", "erp").put("url", "https://erp.example.org/hook"));
            Path file = Files.createTempFile("herald-audit", ".json");
            Files.writeString(file, api.get("/api/v1/backup").text());
            var run = Cli.run(herald.environment(), "restore", file.toString(), "--mode", "merge");
            assertThat(run.exitCode()).as(run.err()).isZero();
            var entries = api.get("/api/v1/audit?action=config.restored").json().get("items");
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).at("/actor/kind").asText()).isEqualTo("cli");
            assertThat(entries.get(0).at("/after/applied").asBoolean()).isTrue();
        }
    }

    @Test
    void aSecretNamedFieldIsMaskedEvenWhenAViewForgetsTo() {
        var doc = Json.read("{\"name\":\"x\",\"password\":\"p\",\"auth\":{\"key\":\"k\",\"header\":\"X-Key\"},\"token\":\"\"}");
        JsonNode masked = AuditLog.masked(doc.deepCopy());
        assertThat(masked.get("password").asText()).isEqualTo("********");
        assertThat(masked.at("/auth/key").asText()).isEqualTo("********");
        assertThat(masked.at("/auth/header").asText()).isEqualTo("X-Key");
        assertThat(masked.get("token").asText()).as("an empty secret stays empty").isEmpty();
    }
}
