package herald.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A receiver answering 503 for a while, then healthy: nothing lost, and the breaker spares it meanwhile. */
class ReceiverOutageTest {
    private static final int THRESHOLD = 5, MAX_CONCURRENCY = 8, COOLDOWN_S = 2;

    @Test
    void aReceiverDownForAWhileGetsEveryEventAfterwardsAndFewCallsMeanwhile() throws Exception {
        int outageS = FaultFigures.scale(6, 120);
        int total = FaultFigures.scale(3_000, 50_000);
        AtomicBoolean down = new AtomicBoolean();
        AtomicLong callsWhileDown = new AtomicLong();
        try (Receiver receiver = new Receiver(); TestHerald h = TestHerald.start(Backend.SQLITE)) {
            receiver.reply(r -> {
                if (!down.get()) return Reply.status(200);
                callsWhileDown.incrementAndGet();
                return Reply.status(503);
            });
            Api api = h.api();
            var service = Json.object().put("max_concurrency", MAX_CONCURRENCY);
            service.putObject("circuit_breaker").put("threshold", THRESHOLD).put("window_s", 60).put("cooldown_s", COOLDOWN_S);
            service.putObject("retry").putObject("exponential").put("base_s", 1).put("factor", 2).put("cap_s", 4)
                    .put("max_attempts", 100);
            String secret = Faults.sink(api, receiver.url(), service);
            String serviceId = api.get("/api/v1/services").json().at("/items/0/id").asText();
            try (Faults.Ingestor ingest = new Faults.Ingestor(() -> api, "out-", total, 50)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= total / 10);
                down.set(true);
                // Down until the breaker has opened once and then failed a probe per cooldown for the outage's length.
                int opens = 1 + outageS / COOLDOWN_S;
                await().atMost(Duration.ofSeconds(30L + 3L * outageS)).until(() -> api.get("/api/v1/services/" + serviceId)
                        .json().at("/circuit_breaker/times_opened").asInt() >= opens);
                down.set(false);
                ingest.awaitDone();
                assertThat(ingest.acknowledged).as(ingest.answers()).hasSize(total);
                long sentWhileDown = callsWhileDown.get();
                // Calls while down: those that opened the breaker, those already in flight, and one probe per cooldown.
                long bound = THRESHOLD + MAX_CONCURRENCY + opens;
                assertThat(sentWhileDown).as("the breaker limits calls to a receiver that is down").isBetween(1L, bound);

                // Every event seen, and nothing left to send: an event refused while the receiver was down
                // was seen already, and its resend may still be on its way.
                await().atMost(Duration.ofSeconds(120)).until(() -> Faults.Ledger.of(receiver, secret).hasAll(ingest.acknowledged)
                        && unfinished(h) == 0);
                Faults.Ledger ledger = Faults.Ledger.of(receiver, secret);
                assertThat(ledger.eventsWithSeveralIds()).isZero();
                assertThat(ledger.badSignatures()).isZero();
                assertThat(ledger.duplicates() - sentWhileDown).as("each event delivered once").isZero();
                assertThat(api.get("/api/v1/deliveries?status=dead").json().get("items")).isEmpty();
                new FaultFigures("receiver answering 503 for " + outageS + " s, then 200 (breaker: 5 failures, cooldown "
                        + COOLDOWN_S + " s)", "sqlite", ingest.acknowledged.size(),
                        ingest.acknowledged.stream().filter(ledger.webhookIds()::containsKey).count(),
                        ledger.missing(ingest.acknowledged).size(), ledger.duplicates() - sentWhileDown, ingest.answers(),
                        sentWhileDown + " calls while down (bound " + bound + ")").record();
            }
        }
    }

    /** Deliveries not yet delivered or dead, in one statement (one snapshot: none is missed moving between states). */
    private static long unfinished(TestHerald h) {
        return h.herald().database().read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(
                    "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'retrying', 'delivering')")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
