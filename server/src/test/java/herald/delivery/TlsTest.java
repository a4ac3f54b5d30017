package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Backend;
import herald.testing.TestCerts;
import herald.testing.TestHerald;
import herald.testing.TlsReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsTest {
    private final TestCerts certs = TestCerts.get();

    private TlsReceiver receiver(String store, boolean requireClientCert) {
        return new TlsReceiver(certs.path(store + ".p12"), TestCerts.STORE_PASSWORD,
                requireClientCert ? certs.path("ca.pem") : null);
    }

    @Test
    void certificatesAreVerifiedByDefaultSoASelfSignedReceiverFailsAsTls() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); TlsReceiver receiver = receiver("self", false)) {
            Outbound.subscribeAll(h.api(), receiver.url(), Json.object());
            var attempt = Outbound.deliverOne(h.api(), "tls-self").get("attempts").get(0);
            assertThat(attempt.get("error_kind").asText()).isEqualTo("tls");
            assertThat(attempt.get("status_code").isNull()).isTrue();
            assertThat(receiver.received()).isZero();
        }
    }

    @Test
    void aServiceTrustsItsOwnCaBundleAndOnlyThat() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); TlsReceiver receiver = receiver("server", false)) {
            ObjectNode service = Json.object().put("name", "private-ca");
            service.putObject("tls").put("ca_pem", certs.read("ca.pem"));
            Outbound.subscribeAll(h.api(), receiver.url(), service);
            var attempt = Outbound.deliverOne(h.api(), "tls-ca").get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).as(attempt.toString()).isEqualTo(200);

            // The same receiver, reached through the JDK's authorities only: its CA is unknown there.
            try (TestHerald other = TestHerald.start(Backend.SQLITE)) {
                Outbound.subscribeAll(other.api(), receiver.url(), Json.object());
                assertThat(Outbound.deliverOne(other.api(), "tls-noca").get("attempts").get(0).get("error_kind").asText())
                        .isEqualTo("tls");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs8", "pkcs1", "sec1"})
    void mutualTlsWorksWithAClientKeyInEachPemFormatAndTheKeyIsNeverShown(String format) throws Exception {
        String key = certs.read("client-" + format + ".key");
        assertThat(key).contains(switch (format) {
            case "pkcs8" -> "BEGIN PRIVATE KEY";
            case "pkcs1" -> "BEGIN RSA PRIVATE KEY";
            default -> "BEGIN EC PRIVATE KEY";
        });
        try (TestHerald h = TestHerald.start(Backend.SQLITE); TlsReceiver receiver = receiver("server", true)) {
            ObjectNode service = Json.object().put("name", "mtls");
            service.putObject("tls").put("ca_pem", certs.read("ca.pem"))
                    .put("client_cert_pem", certs.read("client-" + format + ".pem")).put("client_key_pem", key);
            var created = Outbound.subscribeAll(h.api(), receiver.url(), service);
            assertThat(created.get("tls").get("client_key_pem").asText()).isEqualTo("********");
            assertThat(created.get("tls").get("client_cert_pem").asText()).contains("BEGIN CERTIFICATE");

            var attempt = Outbound.deliverOne(h.api(), "mtls-" + format).get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).as(attempt.toString()).isEqualTo(200);
            assertThat(receiver.received()).isEqualTo(1);

            String keyLine = key.lines().filter(l -> !l.startsWith("-----")).skip(2).findFirst().orElseThrow();
            String stored = read(h.dataDir().resolve("herald.db")) + read(h.dataDir().resolve("herald.db-wal"));
            String certLine = certs.read("client-" + format + ".pem").lines().skip(2).findFirst().orElseThrow();
            assertThat(stored).contains(certLine).doesNotContain(keyLine); // the certificate is not secret; the key is
            String id = created.get("id").asText();
            assertThat(h.api().get("/api/v1/services/" + id).text()).doesNotContain(keyLine);
            h.restart(); // the key survives, sealed, and a PATCH that leaves it out keeps it
            var patched = h.api().patch("/api/v1/services/" + id, Json.object().put("description", "still mutual"));
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);
            assertThat(Outbound.deliverOne(h.api(), "mtls2-" + format).get("attempts").get(0).get("status_code").asInt())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs8", "pkcs1"})
    void anEncryptedClientKeyOpensWithItsPasswordWhichIsNeverShown(String format) throws Exception {
        String key = certs.read("client-" + format + "-encrypted.key");
        assertThat(key).contains(format.equals("pkcs8") ? "BEGIN ENCRYPTED PRIVATE KEY" : "Proc-Type: 4,ENCRYPTED");
        try (TestHerald h = TestHerald.start(Backend.SQLITE); TlsReceiver receiver = receiver("server", true)) {
            ObjectNode service = Json.object().put("name", "mtls-enc");
            ObjectNode tls = service.putObject("tls").put("ca_pem", certs.read("ca.pem"))
                    .put("client_cert_pem", certs.read("client-" + format + ".pem")).put("client_key_pem", key);
            var missing = h.api().post("/api/v1/services", service.deepCopy().put("url", receiver.url()));
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().get("errors").get(0).get("message").asText()).contains("client_key_password");
            tls.put("client_key_password", "wrong");
            assertThat(h.api().post("/api/v1/services", service.deepCopy().put("url", receiver.url())).errorFields())
                    .containsExactly("tls.client_key_pem");
            tls.put("client_key_password", TestCerts.KEY_PASSWORD);
            var created = Outbound.subscribeAll(h.api(), receiver.url(), service);
            assertThat(created.get("tls").get("client_key_password").asText()).isEqualTo("********");
            var attempt = Outbound.deliverOne(h.api(), "mtls-enc-" + format).get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).as(attempt.toString()).isEqualTo(200);
            String stored = read(h.dataDir().resolve("herald.db")) + read(h.dataDir().resolve("herald.db-wal"));
            assertThat(stored).doesNotContain(TestCerts.KEY_PASSWORD);
        }
    }

    @Test
    void withoutAClientCertificateAReceiverRequiringOneIsNeverReached() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); TlsReceiver receiver = receiver("server", true)) {
            ObjectNode service = Json.object();
            service.putObject("tls").put("ca_pem", certs.read("ca.pem"));
            Outbound.subscribeAll(h.api(), receiver.url(), service);
            var attempt = Outbound.deliverOne(h.api(), "mtls-none").get("attempts").get(0);
            assertThat(attempt.get("status_code").isNull()).isTrue();
            assertThat(attempt.get("error_kind").asText()).isIn("tls", "network");
            assertThat(receiver.received()).isZero();
        }
    }

    @Test
    void aBackupWithSecretsCarriesTheClientKeyAndTheRotatedOutSigningSecrets() throws Exception {
        try (TestHerald source = TestHerald.start(Backend.SQLITE); TestHerald target = TestHerald.start(Backend.POSTGRES);
             TlsReceiver receiver = receiver("server", true)) {
            ObjectNode service = Json.object().put("name", "mtls");
            service.putObject("tls").put("ca_pem", certs.read("ca.pem"))
                    .put("client_cert_pem", certs.read("client-sec1.pem")).put("client_key_pem", certs.read("client-sec1.key"));
            String id = Outbound.subscribeAll(source.api(), receiver.url(), service).get("id").asText();
            source.api().post("/api/v1/services/" + id + "/signing/rotate", null);
            String phrase = "correct horse battery";
            String doc = source.api().withHeader("X-Backup-Passphrase", phrase).get("/api/v1/backup?include_secrets=true").text();
            assertThat(doc).doesNotContain("PRIVATE KEY"); // sealed

            var restored = target.api().withHeader("X-Backup-Passphrase", phrase).post("/api/v1/restore?mode=replace", doc);
            assertThat(restored.status()).as(restored.text()).isEqualTo(200);
            assertThat(target.api().get("/api/v1/services/" + id).json().get("signing").get("previous")).hasSize(1);
            assertThat(Outbound.deliverOne(target.api(), "restored-1").get("attempts").get(0).get("status_code").asInt())
                    .isEqualTo(200); // the client key came along
        }
    }

    @Test
    void badTlsSettingsAreRefusedNamingTheField() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            ObjectNode body = Json.object().put("name", "bad").put("url", "https://r.example/");
            body.putObject("tls").put("ca_pem", "not a certificate");
            assertThat(h.api().post("/api/v1/services", body).errorFields()).containsExactly("tls.ca_pem");

            body.putObject("tls").put("client_cert_pem", certs.read("client-sec1.pem"))
                    .put("client_key_pem", certs.read("client-pkcs1.key")); // another client's key
            assertThat(h.api().post("/api/v1/services", body).errorFields()).containsExactly("tls.client_key_pem");

            body.putObject("tls").put("client_cert_pem", certs.read("client-pkcs8.pem"));
            assertThat(h.api().post("/api/v1/services", body).errorFields()).containsExactly("tls.client_key_pem");

            body.putObject("tls").put("client_key_pem", certs.read("client-pkcs8.key"));
            assertThat(h.api().post("/api/v1/services", body).errorFields()).containsExactly("tls.client_cert_pem");
        }
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "";
    }
}
