package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gateway: LMS code calls an external API by the service's name, now or through the queue. */
class GatewayTest {

    private static String gatewayKey(Api admin) {
        var body = Json.object().put("name", "lms-code");
        body.putArray("scopes").add("gateway");
        return admin.post("/api/v1/api-keys", body).json().get("key").asText();
    }

    @Test
    void aSyncCallGoesNowWithTheServicesSettingsAndIsLogged() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver crm = new Receiver()) {
            Api admin = herald.api();
            var svc = Json.object().put("name", "crm").put("url", crm.url() + "/api");
            svc.putObject("auth").put("type", "bearer").put("token", "crm-secret-token");
            admin.post("/api/v1/services", svc);
            crm.reply(r -> Reply.status(201).body("{\"created\":" + (r.method().equals("POST") ? "true" : "false") + "}"));
            Api lms = herald.api(gatewayKey(admin));

            var post = lms.post("/api/v1/services/crm/requests", Json.read("{\"path\":\"/clients\",\"method\":\"PUT\","
                    + "\"payload\":{\"name\":\"Ana\"},\"headers\":{\"X-Tenant\":\"t1\"}}"));
            assertThat(post.status()).as(post.text()).isEqualTo(200);
            assertThat(post.json().get("success").asBoolean()).isTrue();
            assertThat(post.json().get("status").asInt()).isEqualTo(201);
            assertThat(post.json().get("attempts").asInt()).isEqualTo(1);
            var got = crm.received().get(0);
            assertThat(got.method()).isEqualTo("PUT");
            assertThat(got.path()).isEqualTo("/api/clients");
            assertThat(got.body()).isEqualTo("{\"name\":\"Ana\"}");
            assertThat(got.header("Authorization")).isEqualTo("Bearer crm-secret-token");
            assertThat(got.header("X-Tenant")).isEqualTo("t1");
            assertThat(got.header("webhook-id")).isEqualTo(post.json().get("id").asText());

            var get = lms.post("/api/v1/services/crm/requests", Json.read("{\"path\":\"/clients\",\"method\":\"GET\",\"payload\":{\"q\":\"Ana M\"}}"));
            assertThat(get.json().get("success").asBoolean()).isTrue();
            assertThat(crm.received().get(1).path()).isEqualTo("/api/clients?q=Ana+M");

            var logged = admin.get("/api/v1/deliveries/" + post.json().get("id").asText());
            assertThat(logged.json().get("status").asText()).isEqualTo("delivered");
            assertThat(logged.json().get("attempts")).hasSize(1);
            assertThat(logged.text()).doesNotContain("crm-secret-token");

            // A far side that echoes the request does not show the caller the service's credential.
            crm.reply(r -> Reply.status(200).body("{\"you_sent\":\"" + r.header("Authorization") + "\"}"));
            var echoed = lms.post("/api/v1/services/crm/requests", Json.read("{\"path\":\"/echo\"}"));
            assertThat(echoed.json().get("body").asText()).isEqualTo("{\"you_sent\":\"Bearer ********\"}");
        }
    }

    @Test
    void errorsSayWhichServiceAndWhy() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver down = new Receiver()) {
            Api admin = herald.api();
            Api lms = herald.api(gatewayKey(admin));
            var missing = lms.post("/api/v1/services/nope/requests", Json.object());
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("code").asText()).isEqualTo("service_not_found");

            String off = admin.post("/api/v1/services", Json.object().put("name", "off").put("url", down.url()).put("enabled", false))
                    .json().get("id").asText();
            var disabled = lms.post("/api/v1/services/off/requests", Json.object());
            assertThat(disabled.status()).isEqualTo(409);
            assertThat(disabled.json().get("code").asText()).isEqualTo("service_disabled");
            admin.post("/api/v1/services/" + off + "/enable", Json.object());

            // nothing listens on port 1: the call is tried three times within it, then fails
            admin.post("/api/v1/services", Json.object().put("name", "nowhere").put("url", "http://127.0.0.1:1/x").put("timeout_ms", 2000));
            var refused = lms.post("/api/v1/services/nowhere/requests", Json.object().put("timeout_ms", 3000));
            assertThat(refused.json().get("success").asBoolean()).isFalse();
            assertThat(refused.json().get("status").isNull()).isTrue();
            assertThat(refused.json().get("attempts").asInt()).isEqualTo(3);

            // a receiver that fails opens the breaker: then the gateway answers 503 at once
            down.answer(() -> 500);
            var breaker = Json.object().put("name", "flaky").put("url", down.url());
            breaker.putObject("circuit_breaker").put("threshold", 2).put("window_s", 60).put("cooldown_s", 120);
            admin.post("/api/v1/services", breaker);
            for (int i = 0; i < 2; i++) assertThat(lms.post("/api/v1/services/flaky/requests", Json.object()).json().get("status").asInt()).isEqualTo(500);
            var open = lms.post("/api/v1/services/flaky/requests", Json.object());
            assertThat(open.status()).isEqualTo(503);
            assertThat(open.json().get("code").asText()).isEqualTo("circuit_open");
            assertThat(Integer.parseInt(open.header("Retry-After"))).isBetween(1, 120);

            assertThat(lms.post("/api/v1/services/flaky/requests", Json.read("{\"headers\":{\"Authorization\":\"x\"}}")).errorFields())
                    .containsExactly("headers.Authorization");
            assertThat(herald.api(admin.post("/api/v1/api-keys", Json.read("{\"name\":\"r\",\"scopes\":[\"read\"]}")).json().get("key").asText())
                    .post("/api/v1/services/flaky/requests", Json.object()).status()).isEqualTo(403);
        }
    }

    @Test
    void anAsyncCallIsQueuedWithTheServicesRetriesAndKeepsItsId() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver erp = new Receiver()) {
            Api admin = herald.api();
            var svc = Json.object().put("name", "erp").put("url", erp.url());
            svc.putObject("retry").putArray("schedule_s").add(1);
            admin.post("/api/v1/services", svc);
            Api lms = herald.api(gatewayKey(admin));
            erp.answerEach(r -> erp.received().size() == 1 ? 503 : 200);

            var queued = lms.post("/api/v1/services/erp/requests", Json.read("{\"path\":\"/orders\",\"payload\":{\"n\":1},"
                    + "\"mode\":\"async\",\"idempotency_key\":\"order-1\"}"));
            assertThat(queued.status()).isEqualTo(202);
            String id = queued.json().get("id").asText();
            var again = lms.post("/api/v1/services/erp/requests", Json.read("{\"path\":\"/orders\",\"payload\":{\"n\":1},"
                    + "\"mode\":\"async\",\"idempotency_key\":\"order-1\"}"));
            assertThat(again.json().get("id").asText()).as("the same key is the same call").isEqualTo(id);

            await().atMost(Duration.ofSeconds(15)).until(() -> admin.get("/api/v1/deliveries/" + id).json().get("status").asText().equals("delivered"));
            assertThat(erp.received()).hasSize(2);
            assertThat(erp.received()).allSatisfy(r -> {
                assertThat(r.header("webhook-id")).isEqualTo(id);
                assertThat(r.path()).isEqualTo("/orders");
                assertThat(r.body()).isEqualTo("{\"n\":1}");
            });
            assertThat(admin.get("/api/v1/deliveries/" + id).json().get("attempts")).hasSize(2);

            // A sync call with the key of a finished call answers what that call got: no second request.
            var sync = lms.post("/api/v1/services/erp/requests", Json.read("{\"path\":\"/orders\",\"payload\":{\"n\":1},"
                    + "\"idempotency_key\":\"order-1\"}"));
            assertThat(sync.status()).as(sync.text()).isEqualTo(200);
            assertThat(sync.json().get("id").asText()).isEqualTo(id);
            assertThat(sync.json().get("status").asInt()).isEqualTo(200);
            assertThat(sync.json().get("attempts").asInt()).isEqualTo(2);
            assertThat(erp.received()).hasSize(2);
        }
    }

    @Test
    void aSyncCallRepeatedWithItsIdempotencyKeyIsAnsweredFromTheFirst() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE); Receiver erp = new Receiver()) {
            Api admin = herald.api();
            admin.post("/api/v1/services", Json.object().put("name", "erp").put("url", erp.url()));
            Api lms = herald.api(gatewayKey(admin));
            erp.reply(r -> Receiver.Reply.status(201).body("{\"order\":7}"));
            String call = "{\"path\":\"/orders\",\"payload\":{\"n\":1},\"idempotency_key\":\"sk-1\"}";
            var first = lms.post("/api/v1/services/erp/requests", Json.read(call));
            var second = lms.post("/api/v1/services/erp/requests", Json.read(call));
            assertThat(first.status()).as(first.text()).isEqualTo(200);
            assertThat(second.status()).as(second.text()).isEqualTo(200);
            assertThat(second.json()).isEqualTo(first.json());
            assertThat(erp.received()).as("the far side is called once").hasSize(1);

            // A repeat while the first is under way (a client that timed out and retries) is told so, not sent.
            erp.reply(r -> Receiver.Reply.status(200).body("{}").after(1_500));
            String slow = "{\"path\":\"/slow\",\"idempotency_key\":\"sk-slow\"}";
            var under = java.util.concurrent.CompletableFuture.supplyAsync(() -> lms.post("/api/v1/services/erp/requests", Json.read(slow)));
            await().atMost(Duration.ofSeconds(10)).until(() -> erp.received().size() == 2);
            var meanwhile = lms.post("/api/v1/services/erp/requests", Json.read(slow));
            assertThat(meanwhile.status()).as(meanwhile.text()).isEqualTo(409);
            assertThat(meanwhile.json().get("code").asText()).isEqualTo("request_in_progress");
            assertThat(under.join().status()).isEqualTo(200);
            // over: its answer, even with the service switched off since
            admin.patch("/api/v1/services/erp", Json.read("{\"enabled\":false}"));
            var after = lms.post("/api/v1/services/erp/requests", Json.read(slow));
            assertThat(after.status()).as(after.text()).isEqualTo(200);
            assertThat(after.json().get("id").asText()).isEqualTo(under.join().json().get("id").asText());
            assertThat(erp.received()).hasSize(2);
            admin.patch("/api/v1/services/erp", Json.read("{\"enabled\":true}"));

            // An async call still queued under the key: a sync call with it is told so, not sent.
            admin.put("/api/v1/settings", Json.read("{\"deliveries_enabled\":false}"));
            var queued = lms.post("/api/v1/services/erp/requests", Json.read("{\"path\":\"/later\",\"mode\":\"async\",\"idempotency_key\":\"sk-2\"}"));
            assertThat(queued.status()).isEqualTo(202);
            var busy = lms.post("/api/v1/services/erp/requests", Json.read("{\"path\":\"/later\",\"idempotency_key\":\"sk-2\"}"));
            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.json().get("code").asText()).isEqualTo("request_in_progress");
            assertThat(erp.received()).hasSize(2);

            // A call whose delivery was deleted frees its key (it was a 500).
            assertThat(admin.delete("/api/v1/deliveries/" + first.json().get("id").asText()).status()).isEqualTo(204);
            var anew = lms.post("/api/v1/services/erp/requests", Json.read("{\"path\":\"/orders\",\"mode\":\"async\",\"idempotency_key\":\"sk-1\"}"));
            assertThat(anew.status()).as(anew.text()).isEqualTo(202);
            assertThat(anew.json().get("id").asText()).isNotEqualTo(first.json().get("id").asText());
        }
    }
}
