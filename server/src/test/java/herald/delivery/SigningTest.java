package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningTest {

    /** What a receiver using the official Standard Webhooks library concludes. */
    static boolean standardVerifies(String secret, Receiver.Received r) {
        try {
            new Webhook(secret).verify(r.body(), HttpHeaders.of(r.headers(), (name, value) -> true));
            return true;
        } catch (WebhookVerificationException e) {
            return false;
        }
    }

    /**
     * What adnanh's {@code webhook} concludes for a {@code payload-hmac-sha256} rule: the hex HMAC-SHA256
     * of the raw body under the secret's bytes, matched against each comma-separated {@code sha256=} value.
     */
    static boolean githubVerifies(String secret, Receiver.Received r) throws Exception {
        String header = r.header("X-Hub-Signature-256");
        if (header == null) return false;
        List<String> signatures = header.contains(",")
                ? Arrays.stream(header.split(",")).filter(p -> p.startsWith("sha256=")).map(p -> p.substring(7)).toList()
                : List.of(header.startsWith("sha256=") ? header.substring(7) : header);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = HexFormat.of().formatHex(mac.doFinal(r.body().getBytes(StandardCharsets.UTF_8))).getBytes();
        return signatures.stream().anyMatch(s -> MessageDigest.isEqual(s.getBytes(), expected));
    }

    @Test
    void theOfficialStandardWebhooksLibraryVerifiesADelivery() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            String secret = Outbound.subscribeAll(h.api(), receiver.url(), Json.object()).get("signing").get("secret").asText();
            receiver.answerEach(r -> standardVerifies(secret, r) ? 204 : 401);
            var delivery = Outbound.deliverOne(h.api(), "std-1");
            assertThat(delivery.get("attempts").get(0).get("status_code").asInt()).isEqualTo(204);
            assertThat(receiver.received().get(0).header("webhook-signature")).doesNotContain(" ");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void duringARotationReceiversHoldingEitherTheOldOrTheNewSecretAccept(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            var svc = Outbound.subscribeAll(api, receiver.url(), Json.object());
            String id = svc.get("id").asText(), oldSecret = svc.get("signing").get("secret").asText();

            var rotated = api.post("/api/v1/services/" + id + "/signing/rotate", null);
            assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
            String newSecret = rotated.json().get("signing").get("secret").asText();
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
            var previous = rotated.json().get("signing").get("previous");
            assertThat(previous).hasSize(1);
            assertThat(previous.get(0).get("secret").asText()).isEqualTo("********");
            Instant expires = Instant.parse(previous.get(0).get("expires_at").asText());
            assertThat(expires).isBetween(Instant.now().plusSeconds(86_300), Instant.now().plusSeconds(86_500)); // a day

            // The new secret is in clear only in the rotation's answer; a PATCH keeps the old one signing.
            assertThat(api.patch("/api/v1/services/" + id, Json.object().put("description", "x")).status()).isEqualTo(200);
            var shown = api.get("/api/v1/services/" + id);
            assertThat(shown.text()).doesNotContain(newSecret, oldSecret);
            assertThat(shown.json().get("signing").get("previous")).hasSize(1);

            receiver.answerEach(r -> standardVerifies(oldSecret, r) && standardVerifies(newSecret, r) ? 204 : 401);
            var delivery = Outbound.deliverOne(api, "rot-1");
            assertThat(delivery.get("attempts").get(0).get("status_code").asInt()).isEqualTo(204);
            String header = receiver.received().get(0).header("webhook-signature");
            assertThat(header.split(" ")).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
            h.restart(); // the overlap is stored with the service
            assertThat(h.api().get("/api/v1/services/" + id).json().get("signing").get("previous")).hasSize(1);
        }
    }

    @Test
    void aRotationWithoutOverlapStopsTheOldSecretAtOnceAndMayNameTheNewSecret() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            var svc = Outbound.subscribeAll(api, receiver.url(), Json.object());
            String id = svc.get("id").asText(), oldSecret = svc.get("signing").get("secret").asText();
            String chosen = "whsec_" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes());
            var rotated = api.post("/api/v1/services/" + id + "/signing/rotate",
                    Json.object().put("secret", chosen).put("overlap_s", 0));
            assertThat(rotated.json().get("signing").get("secret").asText()).isEqualTo(chosen);
            assertThat(rotated.json().get("signing").get("previous")).isEmpty();

            receiver.answerEach(r -> standardVerifies(chosen, r) && !standardVerifies(oldSecret, r) ? 204 : 401);
            assertThat(Outbound.deliverOne(api, "rot-0").get("attempts").get(0).get("status_code").asInt()).isEqualTo(204);
        }
    }

    @Test
    void endingTheOverlapEarlyLeavesOnlyTheNewSecret() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            var svc = Outbound.subscribeAll(api, receiver.url(), Json.object());
            String id = svc.get("id").asText(), oldSecret = svc.get("signing").get("secret").asText();
            String newSecret = api.post("/api/v1/services/" + id + "/signing/rotate", Json.object().put("overlap_s", 3600))
                    .json().get("signing").get("secret").asText();
            // The audit log shows the previous secrets as the API does: a list, each secret masked, with when it ends.
            var entry = api.get("/api/v1/audit?action=service.signing_rotated").json().get("items").get(0);
            var previous = entry.at("/after/signing/previous");
            assertThat(previous.isArray()).as(entry.toString()).isTrue();
            assertThat(previous.get(0).get("secret").asText()).isEqualTo("********");
            assertThat(previous.get(0).has("expires_at")).isTrue();
            assertThat(entry.toString()).doesNotContain(oldSecret).doesNotContain(newSecret);
            var ended = Json.object();
            ended.putObject("signing").putArray("previous");
            assertThat(api.patch("/api/v1/services/" + id, ended).json().get("signing").get("previous")).isEmpty();

            receiver.answerEach(r -> standardVerifies(newSecret, r) && !standardVerifies(oldSecret, r) ? 204 : 401);
            assertThat(Outbound.deliverOne(api, "end-1").get("attempts").get(0).get("status_code").asInt()).isEqualTo(204);
        }
    }

    @Test
    void githubModeSignsTheBodyAsAdnanhsWebhookChecksItAlsoDuringARotation() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            var service = Json.object();
            service.putObject("signing").put("mode", "github").put("secret", "first-github-secret");
            String id = Outbound.subscribeAll(api, receiver.url(), service).get("id").asText();
            assertThat(Outbound.deliverOne(api, "gh-1").get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);
            var first = receiver.received().get(0);
            assertThat(first.header("X-Hub-Signature-256")).matches("sha256=[0-9a-f]{64}"); // exactly GitHub's form
            assertThat(first.header("webhook-signature")).isNull();
            assertThat(githubVerifies("first-github-secret", first)).isTrue();
            assertThat(githubVerifies("another-secret", first)).isFalse();

            api.post("/api/v1/services/" + id + "/signing/rotate", Json.object().put("secret", "second-github-secret"));
            Outbound.deliverOne(api, "gh-2");
            var second = receiver.received().get(1);
            assertThat(second.header("X-Hub-Signature-256")).matches("sha256=[0-9a-f]{64},sha256=[0-9a-f]{64}");
            assertThat(githubVerifies("first-github-secret", second)).isTrue();
            assertThat(githubVerifies("second-github-secret", second)).isTrue();
        }
    }

    @Test
    void rotationInputIsValidated() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            String id = api.post("/api/v1/services", Json.object().put("name", "r").put("url", "https://r.example/"))
                    .json().get("id").asText();
            String path = "/api/v1/services/" + id + "/signing/rotate";
            assertThat(api.post(path, Json.object().put("secret", "plain")).errorFields()).containsExactly("secret");
            assertThat(api.post(path, Json.object().put("overlap_s", -1)).errorFields()).containsExactly("overlap_s");
            assertThat(api.post(path, Json.object().put("overlap", 5)).errorFields()).containsExactly("overlap");
            assertThat(api.post("/api/v1/services/svc_missing/signing/rotate", null).status()).isEqualTo(404);
        }
    }

    @Test
    void rotatedOutSecretsAreEncryptedAtRest() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            var svc = api.post("/api/v1/services", Json.object().put("name", "r").put("url", "https://r.example/")).json();
            String oldSecret = svc.get("signing").get("secret").asText();
            String newSecret = api.post("/api/v1/services/" + svc.get("id").asText() + "/signing/rotate", null)
                    .json().get("signing").get("secret").asText();
            String stored = read(h.dataDir().resolve("herald.db")) + read(h.dataDir().resolve("herald.db-wal"));
            assertThat(stored).contains("r.example").doesNotContain(oldSecret.substring(6), newSecret.substring(6));
        }
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "";
    }
}
