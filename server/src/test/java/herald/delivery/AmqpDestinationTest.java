package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static herald.delivery.Hooks.onlyDelivery;
import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Rabbit;
import herald.testing.Receiver;
import herald.testing.TcpProxy;
import herald.testing.TestCerts;
import herald.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AMQP services: each delivery one persistent, confirmed message on the local RabbitMQ; reply queues become events. */
class AmqpDestinationTest {

    private static ObjectNode amqpService(String exchange, String routingKey) {
        ObjectNode svc = Json.object().put("type", "amqp").put("exchange", exchange);
        if (routingKey != null) svc.put("routing_key", routingKey);
        svc.putObject("signing").put("enabled", true);
        return svc;
    }

    @Test
    void eachDeliveryIsOnePersistentConfirmedMessageNamedByItsWebhookId() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Rabbit rabbit = new Rabbit()) {
            String exchange = rabbit.exchange("lms");
            String queue = rabbit.queue("crm", exchange, "course.*");
            Api api = h.api();
            String id = serviceSubscribedToAll(api, "crm-bus", "amqp://guest:guest@127.0.0.1:5672/%2F", amqpService(exchange, null));

            JsonNode svc = api.get("/api/v1/services/" + id).json();
            assertThat(svc.get("url").asText()).isEqualTo("amqp://127.0.0.1:5672/%2F"); // the credentials moved to auth
            assertThat(svc.get("auth").get("type").asText()).isEqualTo("basic");
            assertThat(svc.get("routing_key").asText()).isEqualTo("{{name}}");
            assertThat(svc.toString()).doesNotContain("guest:guest");

            api.post("/api/v1/events", Events.generic("amqp-1", "course.completed"));
            JsonNode d = awaitDelivery(api, "amqp-1", Duration.ofSeconds(20), x -> x.get("status").asText().equals("delivered"));
            JsonNode attempt = d.get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).isEqualTo(200);
            assertThat(attempt.get("request").get("method").asText()).isEqualTo("PUBLISH");

            List<GetResponse> got = rabbit.drain(queue);
            assertThat(got).hasSize(1);
            AMQP.BasicProperties p = got.get(0).getProps();
            assertThat(got.get(0).getEnvelope().getRoutingKey()).isEqualTo("course.completed");
            assertThat(p.getDeliveryMode()).isEqualTo(2);
            assertThat(p.getContentType()).isEqualTo("application/json");
            assertThat(p.getMessageId()).isEqualTo(d.get("id").asText());
            assertThat(p.getHeaders().get("webhook-id").toString()).isEqualTo(d.get("id").asText());
            assertThat(p.getHeaders().get("webhook-signature").toString()).startsWith("v1,");
            assertThat(p.getHeaders()).doesNotContainKey("Authorization");
            assertThat(p.getAppId()).startsWith("Herald/");
            JsonNode body = Json.read(new String(got.get(0).getBody(), StandardCharsets.UTF_8));
            assertThat(body.toString()).contains("amqp-1");
        }
    }

    /**
     * {@code amqps://} connects to the address the guard checked, and still verifies the broker's
     * certificate against the URL's host name: the broker's certificate here names {@code localhost}
     * only, so reaching it as {@code 127.0.0.1} fails as TLS, and as {@code localhost} succeeds.
     */
    @Test
    void amqpsVerifiesTheBrokersCertificateAgainstTheUrlsHostName() throws Exception {
        TestCerts certs = TestCerts.get();
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Rabbit rabbit = new Rabbit();
                TcpProxy broker = TcpProxy.tls(5672, certs.path("named.p12"), TestCerts.STORE_PASSWORD)) {
            String exchange = rabbit.exchange("tls");
            String queue = rabbit.queue("tls-crm", exchange, "#");
            Api api = h.api();
            for (String host : List.of("127.0.0.1", "localhost")) {
                ObjectNode svc = amqpService(exchange, null).put("name", "crm-" + host).put("url", "amqps://" + host + ":" + broker.port() + "/%2F");
                svc.putObject("tls").put("ca_pem", certs.read("ca.pem"));
                svc.putObject("retry").putArray("schedule_s");
                String id = api.post("/api/v1/services", svc).json().get("id").asText();
                ObjectNode sub = Json.object().put("service_id", id);
                sub.putArray("events").add(host.equals("localhost") ? "course.*" : "quiz.*");
                api.post("/api/v1/subscriptions", sub);
            }

            api.post("/api/v1/events", Events.generic("amqps-by-address", "quiz.submitted"));
            JsonNode byAddress = awaitDelivery(api, "amqps-by-address", Duration.ofSeconds(20), x -> x.get("status").asText().equals("dead"));
            assertThat(byAddress.get("attempts").get(0).get("error_kind").asText()).isEqualTo("tls");
            assertThat(rabbit.drain(queue)).isEmpty();

            api.post("/api/v1/events", Events.generic("amqps-by-name", "course.completed"));
            JsonNode byName = awaitDelivery(api, "amqps-by-name", Duration.ofSeconds(20), x -> x.get("status").asText().equals("delivered"));
            assertThat(byName.get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);
            assertThat(rabbit.drain(queue)).hasSize(1);
        }
    }

    @Test
    void aMessageNoQueueTakesOrAMissingExchangeIsAFailureThatRetries() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Rabbit rabbit = new Rabbit()) {
            String exchange = rabbit.exchange("unbound");
            String queue = rabbit.queue("late", null, null);
            Api api = h.api();
            ObjectNode more = amqpService(exchange, "late.{{name}}");
            more.putObject("retry").putArray("schedule_s").add(1).add(1).add(1).add(1).add(1);
            String late = serviceSubscribedToAll(api, "late-binding", Rabbit.URL, more);

            api.post("/api/v1/events", Events.generic("amqp-noroute", "user.created"));
            JsonNode first = awaitDelivery(api, "amqp-noroute", Duration.ofSeconds(20), x -> x.get("attempts").size() >= 1);
            JsonNode attempt = first.get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).isEqualTo(312);
            assertThat(attempt.get("error").asText()).contains("NO_ROUTE").contains("late.user.created");
            assertThat(first.get("status").asText()).isIn("retrying", "delivering");

            rabbit.bind(queue, exchange, "late.#"); // the receiver binds its queue: the next retry lands
            awaitDelivery(api, "amqp-noroute", Duration.ofSeconds(20), x -> x.get("status").asText().equals("delivered"));
            assertThat(rabbit.drain(queue)).hasSize(1);
            api.post("/api/v1/services/" + late + "/disable", null); // the next event is for another service only

            ObjectNode missing = amqpService(rabbit.name("no-such-exchange"), null);
            missing.putObject("retry").putArray("schedule_s");
            String other = api.post("/api/v1/services", missing.put("name", "no-exchange").put("url", Rabbit.URL)).json().get("id").asText();
            var sub = Json.object().put("service_id", other);
            sub.putArray("events").add("quiz.*");
            api.post("/api/v1/subscriptions", sub);
            api.post("/api/v1/events", Events.generic("amqp-404", "quiz.submitted"));
            JsonNode dead = awaitDelivery(api, "amqp-404", Duration.ofSeconds(20), x -> x.get("status").asText().equals("dead"));
            assertThat(dead.get("attempts").get(0).get("status_code").asInt()).isEqualTo(404);
            assertThat(dead.get("attempts").get(0).get("error").asText()).contains("NOT_FOUND");
        }
    }

    @Test
    void aReplyQueuesMessagesBecomeEventsThatRouteAndAreTakenOnce() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Rabbit rabbit = new Rabbit(); Receiver crm = new Receiver()) {
            Api api = h.api();
            String replies = rabbit.name("replies");
            rabbit.owns(replies); // Herald declares it
            ObjectNode svc = amqpService("", null).put("name", "erp").put("url", Rabbit.URL).put("reply_queue", replies)
                    .put("reply_event_type", "erp.reply");
            String id = api.post("/api/v1/services", svc).json().get("id").asText();
            // a second receiver hears the replies, as any event
            String hook = api.post("/api/v1/services", Json.object().put("name", "listener").put("url", crm.url())).json().get("id").asText();
            var sub = Json.object().put("service_id", hook);
            sub.putArray("events").add("erp.reply");
            api.post("/api/v1/subscriptions", sub);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    api.get("/api/v1/services/" + id).json().path("reply_queue_status").path("state").asText().equals("consuming"));

            var props = new AMQP.BasicProperties.Builder().messageId("m-1").correlationId("order-42").contentType("application/json").build();
            rabbit.publish(replies, props, "{\"order\":42,\"state\":\"accepted\"}".getBytes(StandardCharsets.UTF_8));
            rabbit.publish(replies, props, "{\"order\":42,\"state\":\"accepted\"}".getBytes(StandardCharsets.UTF_8)); // redelivered
            rabbit.publish(replies, new AMQP.BasicProperties(), new byte[0]); // no event: rejected, not requeued
            // over HERALD_MAX_BODY_BYTES (1 MiB here): rejected unread, as ingest would refuse it
            rabbit.publish(replies, new AMQP.BasicProperties.Builder().messageId("m-big").build(), new byte[(1 << 20) + 1]);
            rabbit.publish(replies, new AMQP.BasicProperties.Builder().messageId("m-2").build(), "plain words".getBytes(StandardCharsets.UTF_8));

            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/events/amqp-erp-m-2").status() == 200);
            JsonNode event = api.get("/api/v1/events/amqp-erp-m-1").json();
            assertThat(event.get("type").asText()).isEqualTo("erp.reply");
            assertThat(event.toString()).contains("\"order\":42").contains("order-42").contains(replies);
            assertThat(api.get("/api/v1/events/amqp-erp-m-2").json().toString()).contains("plain words");
            await().atMost(Duration.ofSeconds(20)).until(() -> crm.received().size() == 2); // m-1 once, m-2 once
            // m-2 is sent on from its commit, before its message is counted and acknowledged
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    api.get("/api/v1/services/" + id).json().at("/reply_queue_status/consumed").asLong() == 3);
            JsonNode status = api.get("/api/v1/services/" + id).json().get("reply_queue_status");
            assertThat(status.get("rejected").asLong()).isEqualTo(2);
            assertThat(status.get("last_error").asText()).contains("1048577 bytes");
            assertThat(api.get("/api/v1/events/amqp-erp-m-big").status()).isEqualTo(404);
            assertThat(rabbit.ready(replies)).isZero();
        }
    }

    @Test
    void aBrokerRestartMidRunLosesNothing() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Rabbit rabbit = new Rabbit()) {
            String exchange = rabbit.exchange("restart");
            String queue = rabbit.queue("all", exchange, "course.#");
            // the outage makes Herald tell herald.service.failing and .recovered, which the subscription to "*" sends here too
            String operational = rabbit.queue("ops", exchange, "herald.#");
            String replies = rabbit.name("restart-replies");
            rabbit.owns(replies);
            Api api = h.api();
            ObjectNode more = amqpService(exchange, null).put("reply_queue", replies);
            more.putObject("retry").putArray("schedule_s").add(1).add(1).add(2).add(2).add(3).add(5).add(5).add(10).add(10);
            more.putObject("circuit_breaker").put("threshold", 10_000).put("cooldown_s", 1);
            String id = serviceSubscribedToAll(api, "restarted", Rabbit.URL, more);

            // events before, during and after the outage: those sent while it lasts fail and are retried
            List<String> ids = new ArrayList<>();
            for (int batch = 0; batch < 20; batch++) {
                if (batch == 5) Rabbit.stopBroker();
                if (batch == 15) Rabbit.startBroker();
                List<ObjectNode> events = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    String eid = "r-" + batch + "-" + i;
                    ids.add(eid);
                    events.add(Events.generic(eid, "course.viewed"));
                }
                assertThat(api.post("/api/v1/events", events).status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> ids.stream().allMatch(e ->
                    onlyDelivery(api, e).get("status").asText().equals("delivered")));

            Set<String> messageIds = new HashSet<>();
            for (GetResponse r : rabbit.drain(queue)) messageIds.add(r.getProps().getMessageId());
            Set<String> deliveryIds = new HashSet<>();
            for (String e : ids) deliveryIds.add(onlyDelivery(api, e).get("id").asText());
            assertThat(messageIds).isEqualTo(deliveryIds); // every one arrived; a resent one carries the same id
            assertThat(ids.stream().mapToInt(e -> onlyDelivery(api, e).get("attempts").size()).max().orElseThrow())
                    .as("some were sent while the broker was away").isGreaterThan(1);
            // Both told, as deliveries of their own: in either order (the failing one is itself retried
            // while the broker is away), and perhaps more than once (a full run saw failing, recovered,
            // failing, recovered: a restarting broker may fail a send after the first success, or take a
            // publish it does not confirm, which is sent again with its message id).
            Set<String> told = new HashSet<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (GetResponse r : rabbit.drain(operational)) told.add(r.getEnvelope().getRoutingKey());
                return told.size() >= 2;
            });
            assertThat(told).containsExactlyInAnyOrder("herald.service.failing", "herald.service.recovered");

            // the reply consumer came back too
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    api.get("/api/v1/services/" + id).json().path("reply_queue_status").path("state").asText().equals("consuming"));
            rabbit.publish(replies, new AMQP.BasicProperties.Builder().messageId("after").build(), "{}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/events/amqp-restarted-after").status() == 200);
        }
    }
}
