package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A service's secrets never reach the attempt log in clear, nor the database's files. */
class SecretsInTheLogTest {
    static final String TOKEN = "tok/en+Secret 7f3a";
    static final String BEARER = "bearer-Secret-91c2";
    static final String SIGNING = "whsec_" + Base64.getEncoder().encodeToString("signing-secret-0123456789".getBytes());

    @Test
    void failedAttemptsKeepTheRequestWithEverySecretMaskedAndTheFilesHoldNoneInClear() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            // The receiver echoes what it got, so the response excerpt holds the token too.
            receiver.reply(r -> Receiver.Reply.status(500).body("echo: " + r.body() + " " + r.path()));
            var svc = Json.object().put("name", "crm").put("url", receiver.url()).put("token", TOKEN);
            svc.putObject("auth").put("type", "bearer").put("token", BEARER);
            svc.putObject("signing").put("secret", SIGNING);
            svc.putObject("retry").putArray("schedule_s");
            String id = h.api().post("/api/v1/services", svc).json().get("id").asText();
            for (String method : List.of("POST", "GET")) {
                var sub = Json.object().put("service_id", id).put("format", "moodle").put("method", method)
                        .put("content_type", method.equals("GET") ? "form" : "json");
                sub.putArray("events").add("\\core\\event\\course_viewed");
                assertThat(h.api().post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            }
            assertThat(h.api().post("/api/v1/events", herald.testing.Events.courseViewed("secret-1")).status()).isEqualTo(202);
            var deliveries = h.api().get("/api/v1/events/secret-1").json().get("deliveries");
            assertThat(deliveries).hasSize(2);
            var body = Json.object();
            body.putArray("scopes").add("read");
            String readKey = h.api().post("/api/v1/api-keys", body.put("name", "reader")).json().get("key").asText();
            for (JsonNode d : deliveries) {
                String deliveryId = d.get("id").asText();
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        h.api().get("/api/v1/deliveries/" + deliveryId).json().get("status").asText().equals("dead"));
                String seen = h.api(readKey).get("/api/v1/deliveries/" + deliveryId).text();
                assertThat(seen).contains("********");
                assertNoSecret(seen);
            }
            // The receiver did get the real token: masking is for what Herald keeps, not what it sends.
            assertThat(receiver.received()).anySatisfy(r -> assertThat(r.body()).contains("Secret"));
            assertThat(receiver.received()).anySatisfy(r -> assertThat(r.path()).contains("Secret"));
            Path dir = h.dataDir();
            h.herald().close(); // flushes the WAL's pages as they are
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("herald.db")).toList()) {
                    assertNoSecret(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    private static void assertNoSecret(String text) {
        for (String secret : List.of(TOKEN, BEARER, SIGNING, SIGNING.substring(6),
                java.net.URLEncoder.encode(TOKEN, StandardCharsets.UTF_8), TOKEN.replace("/", "\\/"))) {
            assertThat(text).doesNotContain(secret);
        }
    }

    @Test
    void aGetRequestSignsItsQueryStringInPlaceOfTheEmptyBody() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            var svc = Outbound.subscribeAll(h.api(), receiver.url(), Json.object().put("method", "GET"));
            String secret = svc.get("signing").get("secret").asText();
            receiver.answerEach(r -> {
                String query = URI.create(r.path()).getRawQuery();
                try {
                    new Webhook(secret).verify(query, HttpHeaders.of(r.headers(), (n, v) -> true));
                    return r.body().isEmpty() && r.header("Content-Type") == null ? 204 : 400;
                } catch (Exception e) {
                    return 401;
                }
            });
            var delivery = Outbound.deliverOne(h.api(), "get-signed");
            assertThat(delivery.get("attempts").get(0).get("status_code").asInt()).isEqualTo(204);
            assertThat(receiver.received().get(0).path()).contains("eventname=");
        }
    }
}
