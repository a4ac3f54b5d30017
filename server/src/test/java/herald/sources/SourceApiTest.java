package herald.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.config.ConfigException;
import herald.config.HeraldConfig;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SourceApiTest {
    private static final String PASSWORD = "moodle-reader-pw-93c1";

    static ObjectNode source(String name) {
        return Json.object().put("name", name).put("type", "moodle")
                .put("jdbc_url", "jdbc:mariadb://127.0.0.1:1/moodle") // nothing listens: the source backs off
                .put("user", "herald_reader").put("password", PASSWORD).put("site_url", "https://moodle.example")
                .put("poll_ms", 500);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void badSourcesAreRefusedNamingEveryField(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            var body = Json.object().put("name", "bad name").put("jdbc_url", "jdbc:oracle:thin:@x").put("start", "yesterday")
                    .put("poll_ms", 5).put("table_prefix", "MDL-").put("site_url", "ftp://x").put("colour", "blue");
            body.putArray("record_tables").add("user; DROP TABLE x");
            var r = h.api().post("/api/v1/sources", body);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.errorFields()).containsExactlyInAnyOrder("name", "jdbc_url", "start", "poll_ms", "table_prefix",
                    "site_url", "colour", "record_tables[0]");
            var withPassword = source("m").put("jdbc_url", "jdbc:postgresql://db/moodle?user=x&password=y");
            assertThat(h.api().post("/api/v1/sources", withPassword).errorFields()).containsExactly("jdbc_url");
            assertThat(h.api().get("/api/v1/sources").json().get("items")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void thePasswordIsEncryptedAtRestAndMaskedInEveryAnswer(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            var created = api.post("/api/v1/sources", source("lms"));
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.text()).doesNotContain(PASSWORD);
            String id = created.json().get("id").asText();
            assertThat(created.json().get("password").asText()).isEqualTo("********");
            assertThat(created.json().get("table_prefix").asText()).isEqualTo("mdl_");
            assertThat(created.json().get("start").asText()).isEqualTo("now");
            assertThat(api.get("/api/v1/sources").text()).doesNotContain(PASSWORD);
            String stored = h.herald().database().read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT spec || secrets FROM sources")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(stored).doesNotContain(PASSWORD);

            // PATCH without the password (or with the mask) keeps it.
            var patched = api.patch("/api/v1/sources/" + id, Json.object().put("poll_ms", 2000));
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);
            assertThat(password(h, id)).isEqualTo(PASSWORD);
            assertThat(api.post("/api/v1/sources", source("lms")).status()).isEqualTo(409);

            // The unreachable database shows in the status; the API stays responsive.
            await().atMost(Duration.ofSeconds(30)).until(() -> !api.get("/api/v1/sources/" + id).json().get("status").get("last_error").isNull());
            assertThat(api.get("/api/v1/sources/" + id).json().get("status").get("state").asText()).isEqualTo("backing_off");
            assertThat(api.post("/api/v1/sources/" + id + "/disable", null).json().get("enabled").asBoolean()).isFalse();
            assertThat(api.get("/api/v1/sources/" + id + "/status").json().get("state").asText()).isEqualTo("disabled");
            assertThat(api.delete("/api/v1/sources/" + id).status()).isEqualTo(204);
            assertThat(api.get("/api/v1/sources/" + id).status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void backupCarriesSourcesAndTheirPasswordsOnlySealed(Backend backend) {
        try (TestHerald from = TestHerald.start(backend); TestHerald to = TestHerald.start(backend)) {
            String id = from.api().post("/api/v1/sources", source("lms")).json().get("id").asText();
            var plain = from.api().get("/api/v1/backup").json();
            assertThat(plain.get("sources").get(0).get("password").asText()).isEqualTo("********");
            String passphrase = "correct horse battery";
            var sealed = from.api().withHeader("X-Backup-Passphrase", passphrase).get("/api/v1/backup?include_secrets=true");
            assertThat(sealed.text()).doesNotContain(PASSWORD);

            var r = to.api().withHeader("X-Backup-Passphrase", passphrase).post("/api/v1/restore?mode=replace", sealed.text());
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.json().get("sources").asInt()).isEqualTo(1);
            assertThat(password(to, id)).isEqualTo(PASSWORD);
            await().atMost(Duration.ofSeconds(10)).until(() -> !to.api().get("/api/v1/sources/" + id + "/status").json()
                    .get("state").asText().equals("standby"));

            // A source in the backup with a bad field: nothing is restored.
            var bad = (ObjectNode) plain.deepCopy();
            ((ObjectNode) bad.withArray("sources").get(0)).put("poll_ms", -1);
            var refused = to.api().post("/api/v1/restore?mode=replace", bad);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.errorFields()).containsExactly("sources[0].poll_ms");
            // Replace with a backup that has no sources removes them.
            bad.withArray("sources").removeAll();
            assertThat(to.api().post("/api/v1/restore?mode=replace", bad).json().get("sources_removed").asInt()).isEqualTo(1);
            assertThat(to.api().get("/api/v1/sources").json().get("items")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sourcesComeFromTheSourcesFileAndAreUpdatedByName(Backend backend) throws Exception {
        Path file = Files.createTempFile("sources", ".json");
        Files.writeString(file, "[" + Json.write(source("from-file")) + "]");
        try (TestHerald h = TestHerald.start(backend, Map.of("HERALD_SOURCES_FILE", file.toString()))) {
            var items = h.api().get("/api/v1/sources").json().get("items");
            assertThat(items).hasSize(1);
            String id = items.get(0).get("id").asText();
            assertThat(items.get(0).get("poll_ms").asInt()).isEqualTo(500);
            assertThat(password(h, id)).isEqualTo(PASSWORD);

            Files.writeString(file, "[" + Json.write(source("from-file").put("poll_ms", 1500)) + "]");
            h.restart();
            items = h.api().get("/api/v1/sources").json().get("items");
            assertThat(items).hasSize(1);
            assertThat(items.get(0).get("id").asText()).isEqualTo(id);
            assertThat(items.get(0).get("poll_ms").asInt()).isEqualTo(1500);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aMissingOrInvalidSourcesFileStopsTheStartNamingTheProblem() throws Exception {
        assertThatThrownBy(() -> HeraldConfig.fromMap(Map.of("HERALD_SOURCES_FILE", "/nonexistent/sources.json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HERALD_SOURCES_FILE");
        Path file = Files.createTempFile("sources", ".json");
        Files.writeString(file, "[{\"name\": \"lms\", \"jdbc_url\": \"jdbc:oracle:thin:@x\"}]");
        try {
            assertThatThrownBy(() -> TestHerald.start(Backend.SQLITE, Map.of("HERALD_SOURCES_FILE", file.toString())))
                    .isInstanceOf(ConfigException.class) // the CLI's one line and exit 2, as for any configuration problem
                    .hasMessageContaining("[0].jdbc_url");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String password(TestHerald h, String id) {
        return h.herald().database().read(c -> h.herald().sources().store().get(c, id)).orElseThrow().password();
    }
}
