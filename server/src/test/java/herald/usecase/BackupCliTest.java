package herald.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import herald.crypto.SecretBox;
import herald.json.Json;
import herald.subscription.ConfigStore;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Cli;
import herald.testing.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** `herald backup` and `herald restore` as an operator runs them: a separate process on the same storage. */
class BackupCliTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void backupThenRestoreWithSecretsBringsBackADeletedService(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            String id = BackupTest.service(api, "crm");
            Path file = h.dataDir().resolve("backup.json");
            Map<String, String> env = new HashMap<>(h.environment());
            env.put("HERALD_BACKUP_PASSPHRASE", "correct horse battery staple");

            var backup = Cli.run(env, "backup", "--include-secrets", "-o", file.toString());
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            String doc = Files.readString(file);
            assertThat(Json.read(doc).get("services").get(0).get("name").asText()).isEqualTo("crm");
            assertThat(doc).doesNotContain("tok-crm").doesNotContain("bearer-crm"); // sealed, not in clear

            assertThat(api.delete("/api/v1/services/" + id).status()).isIn(200, 204);
            assertThat(api.get("/api/v1/services").json().get("items")).isEmpty();

            var restore = Cli.run(env, "restore", file.toString(), "--mode", "merge");
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            assertThat(restore.out()).contains("restored 1 services and 1 subscriptions");
            var services = api.get("/api/v1/services").json().get("items");
            assertThat(services).hasSize(1);
            assertThat(services.get(0).get("id").asText()).isEqualTo(id);
            // the secrets came back: the restored service's decrypted document carries them
            var store = new herald.subscription.ConfigStore(herald.crypto.SecretBox.fromConfig("", h.dataDir()),
                    new herald.rendering.Formats());
            var restored = h.herald().database().read(c -> store.service(c, id)).orElseThrow();
            assertThat(restored.token()).isEqualTo("tok-crm");
            assertThat(restored.auth().secret()).isEqualTo("bearer-crm");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anInvalidDocumentExitsNonZeroNamesTheFieldAndChangesNothing(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            BackupTest.service(api, "crm");
            var before = api.get("/api/v1/backup").json();
            var doc = (com.fasterxml.jackson.databind.node.ObjectNode) api.get("/api/v1/backup").json();
            doc.withArray("subscriptions").add(Json.object().put("id", "sub_bad").put("service_id", "svc_missing"));
            Path file = h.dataDir().resolve("bad.json");
            Files.writeString(file, Json.write(doc));

            var restore = Cli.run(h.environment(), "restore", file.toString(), "--mode", "replace");
            assertThat(restore.exitCode()).isEqualTo(1);
            assertThat(restore.err()).contains("subscriptions[1]");
            var after = api.get("/api/v1/backup").json();
            assertThat(after.get("services")).isEqualTo(before.get("services"));
            assertThat(after.get("subscriptions")).isEqualTo(before.get("subscriptions"));
        }
    }
}
