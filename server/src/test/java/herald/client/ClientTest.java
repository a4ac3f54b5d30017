package herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Events;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java client against a real Herald: the gateway (sync, async, every error), publishing, and verifying Herald's signatures. */
class ClientTest {
    record Client(int id, String name) {}

    private static String key(Api admin, String scope) {
        var body = Json.object().put("name", "client-" + scope);
        body.putArray("scopes").add(scope);
        return admin.post("/api/v1/api-keys", body).json().get("key").asText();
    }

    @Test
    void theGatewayFromJava() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver crm = new Receiver()) {
            Api admin = herald.api();
            admin.post("/api/v1/services", Json.object().put("name", "crm").put("url", crm.url()));
            crm.reply(r -> Reply.status(200).body("{\"id\":42,\"name\":\"Ana\"}"));
            try (HeraldClient client = HeraldClient.connect("http://127.0.0.1:" + herald.herald().port(), key(admin, "gateway"))) {
                GatewayResponse r = client.send("crm").to("/api/v1/clients/42").with(Map.of("name", "Ana"))
                        .method(GatewayRequest.Method.PUT).header("X-Tenant", "t1").dispatch();
                assertThat(r.isOk()).isTrue();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json(Client.class)).isEqualTo(new Client(42, "Ana"));
                assertThat(crm.received().get(0).method()).isEqualTo("PUT");
                assertThat(crm.received().get(0).header("X-Tenant")).isEqualTo("t1");

                assertThat(client.request("crm", "/ping", null, GatewayRequest.Method.GET).isOk()).isTrue();

                String id = client.send("crm").to("/later").with(Map.of("n", 1)).idempotencyKey("k-1").async().dispatch();
                await().atMost(Duration.ofSeconds(10)).until(() -> crm.received().stream().anyMatch(x -> id.equals(x.header("webhook-id"))));

                var missing = catchThrowableOfType(HeraldException.class, () -> client.send("nope").dispatch());
                assertThat(missing.status()).isEqualTo(404);
                assertThat(missing.code()).isEqualTo("service_not_found");
                var bad = catchThrowableOfType(HeraldException.class, () -> client.send("crm").header("Authorization", "x").dispatch());
                assertThat(bad.status()).isEqualTo(400);
                assertThat(bad.errors()).extracting(HeraldException.FieldError::field).containsExactly("headers.Authorization");
            }
            try (HeraldClient wrongKey = HeraldClient.connect("http://127.0.0.1:" + herald.herald().port(), "hk_not_a_key")) {
                assertThat(catchThrowableOfType(HeraldException.class, () -> wrongKey.send("crm").dispatch()).status()).isEqualTo(401);
            }
            try (HeraldClient reader = HeraldClient.connect("http://127.0.0.1:" + herald.herald().port(), key(admin, "read"))) {
                assertThat(catchThrowableOfType(HeraldException.class, () -> reader.send("crm").dispatch()).status()).isEqualTo(403);
            }
        }
    }

    @Test
    void publishingSendsBatchesAndRetriesWhileHeraldIsBusy() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            Api admin = herald.api();
            try (HeraldClient client = HeraldClient.connect("http://127.0.0.1:" + herald.herald().port(), key(admin, "ingest"))) {
                List<Map<String, Object>> events = new java.util.ArrayList<>();
                for (int i = 0; i < 7; i++) events.add(Map.of("id", "c-" + i, "type", "course.completed", "data", Map.of("user_id", i)));
                var published = client.publishAll(events, 3);
                assertThat(published.ids()).hasSize(7);
                assertThat(client.publish(events.get(0)).duplicates()).containsExactly("c-0");
            }
        }
        // a Herald answering 503 twice (its store busy), then storing: the client waits as Retry-After says
        try (Receiver busy = new Receiver()) {
            busy.answerEach(r -> busy.received().size() <= 2 ? 503 : 202);
            busy.reply(r -> busy.received().size() <= 2 ? Reply.status(503).header("Retry-After", "0")
                    .header("Content-Type", "application/problem+json").body("{\"status\":503,\"detail\":\"busy\"}")
                    : Reply.status(202).body("{\"ids\":[\"x\"],\"duplicates\":[]}"));
            try (HeraldClient client = HeraldClient.connect(busy.url(), "hk_any")) {
                assertThat(client.publish(Map.of("id", "x", "type", "t")).ids()).containsExactly("x");
            }
            assertThat(busy.received()).hasSize(3);
        }
        // a Herald behind a proxy at a sub-path: the path is kept
        try (Receiver proxied = new Receiver()) {
            proxied.reply(r -> Reply.status(202).body("{\"ids\":[\"y\"],\"duplicates\":[]}"));
            try (HeraldClient client = HeraldClient.connect(proxied.url() + "/herald/", "hk_any")) {
                client.publish(Map.of("id", "y", "type", "t"));
            }
            assertThat(proxied.received().get(0).path()).isEqualTo("/herald/api/v1/events");
        }
    }

    @Test
    void theVerifierAcceptsHeraldsSignaturesAndNothingElse() throws Exception {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api admin = herald.api();
            var created = admin.post("/api/v1/services", Json.object().put("name", "signed").put("url", receiver.url())).json();
            String secret = created.at("/signing/secret").asText();
            var getSvc = Json.object().put("name", "signed-get").put("url", receiver.url()).put("method", "GET");
            String getSecret = admin.post("/api/v1/services", getSvc).json().at("/signing/secret").asText();
            var gh = Json.object().put("name", "github").put("url", receiver.url());
            gh.putObject("signing").put("mode", "github").put("secret", "a github-style secret");
            admin.post("/api/v1/services", gh);
            for (String name : List.of("signed", "signed-get", "github")) {
                var sub = Json.object().put("service_id", admin.get("/api/v1/services").json().get("items").findValues("id").stream()
                        .filter(id -> admin.get("/api/v1/services/" + id.asText()).json().get("name").asText().equals(name)).findFirst().orElseThrow().asText());
                sub.putArray("events").add("*");
                admin.post("/api/v1/subscriptions", sub);
            }
            admin.post("/api/v1/events", Events.courseViewed("verify-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 3);
            for (var r : receiver.received()) {
                Map<String, String> headers = new HashMap<>();
                r.headers().forEach((k, v) -> headers.put(k, v.get(0)));
                if (headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("X-Hub-Signature-256"))) {
                    WebhookVerifier.github("a github-style secret").verify(headers, r.body().getBytes(StandardCharsets.UTF_8));
                } else if (r.method().equals("GET")) {
                    String query = r.path().substring(r.path().indexOf('?') + 1); // a bodiless request signs its raw query string
                    WebhookVerifier.standard(getSecret).verify(headers, query.getBytes(StandardCharsets.UTF_8));
                } else {
                    WebhookVerifier.standard(secret).verify(headers, r.body().getBytes(StandardCharsets.UTF_8));
                    var tampered = catchThrowableOfType(WebhookVerifier.Invalid.class,
                            () -> WebhookVerifier.standard(secret).verify(headers, (r.body() + " ").getBytes(StandardCharsets.UTF_8)));
                    assertThat(tampered).isNotNull();
                }
            }
        }
    }
}
