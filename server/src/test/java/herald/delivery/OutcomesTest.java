package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each kind of answer (or none) from a real receiver does to a delivery. */
class OutcomesTest {

    @Test
    void aHangingReceiverTimesOutAndTheDeliveryIsRetried() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.hang());
            serviceSubscribedToAll(h.api(), "slow", receiver.url(), Json.object().put("timeout_ms", 300));
            h.api().post("/api/v1/events", Events.courseViewed("hang-1"));
            var d = awaitDelivery(h.api(), "hang-1", Duration.ofSeconds(10), x -> x.get("attempts").size() >= 1);
            var attempt = d.get("attempts").get(0);
            assertThat(attempt.get("error_kind").asText()).isEqualTo("timeout");
            assertThat(attempt.get("status_code").isNull()).isTrue();
            assertThat(attempt.get("duration_ms").asLong()).isBetween(250L, 5_000L);
        }
    }

    @Test
    void aReceiverSilentForLongerThanJettysIdleTimeoutIsWaitedForUpToTheServicesTimeout() {
        // Jetty's client ends a connection idle for 30 s unless told otherwise: a timeout_ms of 60 s
        // must still see an answer given after 31 s of silence.
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.status(200).after(31_000));
            serviceSubscribedToAll(h.api(), "patient", receiver.url(), Json.object().put("timeout_ms", 60_000));
            h.api().post("/api/v1/events", Events.courseViewed("silent-1"));
            var d = awaitDelivery(h.api(), "silent-1", Duration.ofSeconds(45), x -> x.get("attempts").size() >= 1);
            var attempt = d.get("attempts").get(0);
            assertThat(attempt.get("error_kind").isNull()).as(attempt.toString()).isTrue();
            assertThat(attempt.get("status_code").asInt()).isEqualTo(200);
            assertThat(d.get("status").asText()).isEqualTo("delivered");
        }
    }

    @Test
    void aStopLetsTheDeliveryInFlightFinishAndSaysDrainingMeanwhile() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.status(200).after(3_000));
            serviceSubscribedToAll(h.api(), "answers-late", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("stop-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.received().isEmpty());
            URI health = URI.create("http://127.0.0.1:" + h.herald().port() + "/health");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> h.herald().close());
            // While the delivery finishes, a load balancer is told the node drains: not a refused connection.
            await().atMost(Duration.ofSeconds(2)).until(() -> {
                try {
                    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 503;
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(stopping).isNotDone();
            stopping.get(30, TimeUnit.SECONDS);
            h.restart();
            assertThat(h.api().get("/api/v1/deliveries?event_id=stop-1").json().get("items").get(0).get("status").asText())
                    .isEqualTo("delivered");
        }
    }

    @Test
    void aClosedPortIsAConnectionErrorAndIsRetried() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            serviceSubscribedToAll(h.api(), "closed", "http://127.0.0.1:" + Hooks.freePort(), null);
            h.api().post("/api/v1/events", Events.courseViewed("closed-1"));
            var d = awaitDelivery(h.api(), "closed-1", Duration.ofSeconds(10), x -> x.get("attempts").size() >= 2);
            assertThat(d.get("attempts").get(0).get("error_kind").asText()).isEqualTo("connect");
            assertThat(d.get("status").asText()).isIn("retrying", "delivering");
        }
    }

    @Test
    void anAttemptKeepsTheResponseHeadersAndTheFirst16KiBOfTheBody() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            String body = "0123456789".repeat(4_000); // 40,000 bytes
            receiver.reply(r -> Reply.status(500).header("X-Trace", "abc-123").body(body));
            serviceSubscribedToAll(h.api(), "talkative", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("excerpt-1"));
            var d = awaitDelivery(h.api(), "excerpt-1", Duration.ofSeconds(10), x -> x.get("attempts").size() >= 1);
            var attempt = d.get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).isEqualTo(500);
            assertThat(attempt.get("response").asText()).isEqualTo(body.substring(0, 16 * 1024));
            var headers = new java.util.TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER); // the JDK's server writes X-trace
            attempt.get("response_headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
            assertThat(headers).containsEntry("X-Trace", "abc-123");
        }
    }

    @Test
    void aReceiversHugeHeadersAreNeitherReadWholeNorKept() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.status(200).header("X-Big", "v".repeat(200_000)));
            serviceSubscribedToAll(h.api(), "huge", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("huge-headers-1"));
            var d = awaitDelivery(h.api(), "huge-headers-1", Duration.ofSeconds(10), x -> x.get("attempts").size() >= 1);
            var attempt = d.get("attempts").get(0);
            // The status line was read (the receiver took it: delivered); the headers beyond the bound were not.
            assertThat(attempt.get("status_code").asInt()).isEqualTo(200);
            assertThat(attempt.get("error_kind").asText()).isEqualTo("network");
            assertThat(attempt.get("response_headers").toString()).doesNotContain("vvvv");
        }
    }

    @Test
    void anAnswerCutShortAfterItsStatusIsDeliveredAndTheAttemptSaysSoInWords() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE);
             var server = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var socket = server.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
                    String line;
                    int length = 0;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
                    }
                    in.skip(length);
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n12345678".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                } catch (IOException ignored) {
                    // the test sees what Herald made of it
                }
            });
            serviceSubscribedToAll(h.api(), "cut", "http://127.0.0.1:" + server.getLocalPort(), null);
            h.api().post("/api/v1/events", Events.courseViewed("cut-short-1"));
            var d = awaitDelivery(h.api(), "cut-short-1", Duration.ofSeconds(10), x -> x.get("attempts").size() >= 1);
            var attempt = d.get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).isEqualTo(200);
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(attempt.get("error").asText()).doesNotContainPattern("@[0-9a-f]{5,}").doesNotContain("Connection");
        }
    }

    @Test
    void anAttemptKeepsTheFirst16KiBOfManyResponseHeaders() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Reply reply = Reply.status(200);
            for (int i = 0; i < 400; i++) reply = reply.header("X-Header-" + i, "x".repeat(100)); // 40 KB, within what is read
            Reply many = reply;
            receiver.reply(r -> many);
            serviceSubscribedToAll(h.api(), "many", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("many-headers-1"));
            var d = awaitDelivery(h.api(), "many-headers-1", Duration.ofSeconds(10), x -> x.get("status").asText().equals("delivered"));
            var kept = d.get("attempts").get(0).get("response_headers");
            assertThat(kept.size()).isBetween(100, 170);
            assertThat(kept.toString().length()).isLessThan(20_000);
        }
    }

    @Test
    void redirectsAreNotFollowedButRetried() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver(); Receiver elsewhere = new Receiver()) {
            receiver.reply(r -> Reply.status(302).header("Location", elsewhere.url() + "/moved"));
            serviceSubscribedToAll(h.api(), "moved", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("redirect-1"));
            var d = awaitDelivery(h.api(), "redirect-1", Duration.ofSeconds(10), x -> x.get("attempts").size() >= 2);
            assertThat(d.get("attempts").get(0).get("status_code").asInt()).isEqualTo(302);
            assertThat(d.get("last_error").asText()).contains("302");
            assertThat(elsewhere.received()).isEmpty();
        }
    }

    @Test
    void retryAfterOnA429DelaysTheNextAttempt() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            AtomicInteger calls = new AtomicInteger();
            receiver.reply(r -> calls.incrementAndGet() == 1 ? Reply.status(429).header("Retry-After", "2") : Reply.status(200));
            serviceSubscribedToAll(h.api(), "busy", receiver.url(), null);
            h.api().post("/api/v1/events", Events.courseViewed("busy-1"));
            // Without Retry-After the default schedule's first retry would be immediate.
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            long gap = receiver.received().get(1).atMillis() - receiver.received().get(0).atMillis();
            assertThat(gap).isGreaterThanOrEqualTo(1_900);
            awaitDelivery(h.api(), "busy-1", Duration.ofSeconds(5), x -> x.get("status").asText().equals("delivered"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void goneDisablesTheSubscriptionWithAReasonAndKillsTheDelivery(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            receiver.answer(() -> 410);
            serviceSubscribedToAll(api, "gone", receiver.url(), null);
            api.post("/api/v1/events", Events.courseViewed("gone-1"));
            var d = awaitDelivery(api, "gone-1", Duration.ofSeconds(10), x -> x.get("status").asText().equals("dead"));
            assertThat(d.get("last_error").asText()).contains("410");
            assertThat(d.get("attempts")).hasSize(1);
            var sub = api.get("/api/v1/subscriptions").json().get("items").get(0);
            assertThat(sub.get("enabled").asBoolean()).isFalse();
            assertThat(sub.get("disabled_reason").asText()).contains("410");
            // No more deliveries are made for it; enabling it again clears the reason.
            api.post("/api/v1/events", Events.courseViewed("gone-2"));
            assertThat(api.get("/api/v1/events/gone-2").json().get("deliveries")).isEmpty();
            var enabled = api.patch("/api/v1/subscriptions/" + sub.get("id").asText(), Json.object().put("enabled", true)).json();
            assertThat(enabled.get("enabled").asBoolean()).isTrue();
            assertThat(enabled.get("disabled_reason").isNull()).isTrue();
            assertThat(receiver.received()).hasSize(1);
        }
    }
}
