package herald.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Backend;
import herald.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class SecretsAtRestTest {

    @Test
    void secretsAreNotInTheSqliteFileInClearAndAreMaskedInResponses() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            var body = Json.object().put("name", "crm").put("url", "https://crm.example/").put("token", "TOKEN-c1e4r");
            body.putObject("auth").put("type", "basic").put("username", "herald").put("password", "PASSWORD-9x7q");
            var created = h.api().post("/api/v1/services", body);
            assertThat(created.status()).isEqualTo(201);
            String signing = created.json().get("signing").get("secret").asText();
            assertThat(signing).startsWith("whsec_");

            var shown = h.api().get("/api/v1/services/" + created.json().get("id").asText()).text();
            assertThat(shown).doesNotContain("TOKEN-c1e4r", "PASSWORD-9x7q", signing).contains("********");

            String stored = read(h.dataDir().resolve("herald.db")) + read(h.dataDir().resolve("herald.db-wal"));
            assertThat(stored).contains("crm.example"); // the file is readable: the check below means something
            assertThat(stored).doesNotContain("TOKEN-c1e4r", "PASSWORD-9x7q", signing.substring(6), TestHerald.ADMIN_KEY);

            Path key = h.dataDir().resolve("master.key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
    }

    @Test
    void secretsSurviveARestart() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            var body = Json.object().put("name", "crm").put("url", "https://crm.example/");
            body.putObject("auth").put("type", "bearer").put("token", "abc");
            String id = h.api().post("/api/v1/services", body).json().get("id").asText();
            h.restart();
            var patched = h.api().patch("/api/v1/services/" + id, Json.object().put("description", "kept secret"));
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);
            assertThat(patched.json().get("auth").get("token").asText()).isEqualTo("********");
        }
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "";
    }
}
