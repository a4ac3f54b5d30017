package herald.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import herald.testing.Tmpfs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Herald's SQLite file on a disk that fills up (a small tmpfs): ingest refuses clearly, reads go on,
 * nothing acknowledged is lost, nothing refused is half-stored, and it recovers by itself.
 */
class DiskFullTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aFullDiskRefusesIngestClearlyKeepsReadsAndRecoversWhenSpaceReturns() throws Exception {
        int mebibytes = FaultFigures.scale(12, 48);
        try (Tmpfs disk = Tmpfs.mount(mebibytes); Receiver receiver = new Receiver();
             TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_DATA_DIR", disk.dir().resolve("data").toString()))) {
            Api api = h.api();
            String secret = Faults.sink(api, receiver.url(), null);

            List<String> acknowledged = new ArrayList<>();
            Faults.Ingestor filling = new Faults.Ingestor(() -> api, "fill-", Integer.MAX_VALUE, 100);
            await().atMost(WAIT).until(() -> filling.answered(503) > 0);
            filling.close();
            acknowledged.addAll(filling.acknowledged);
            assertThat(filling.refusals.getFirst()).as("the refusal says why").contains("503 30 ")
                    .contains("\"code\":\"disk_full\"").contains("the database's disk is full");
            assertThat(filling.serverErrors()).as(filling.answers()).isEqualTo(filling.answered(503));

            // Full: every write is refused the same way, and nothing of it is kept.
            for (int i = 0; i < 3; i++) {
                Api.Response refused = api.post("/api/v1/events", Json.MAPPER.createArrayNode().add(Faults.event("refused-" + i)));
                assertThat(refused.status()).as(refused.text()).isEqualTo(503);
                assertThat(refused.json().get("code").asText()).isEqualTo("disk_full");
                assertThat(refused.contentType()).isEqualTo("application/problem+json");
            }
            Api.Response service = api.post("/api/v1/services", Json.object().put("name", "another").put("url", receiver.url()));
            assertThat(service.status()).as(service.text()).isEqualTo(503);
            assertThat(service.json().get("code").asText()).isEqualTo("disk_full");
            // Reads keep working.
            assertThat(api.get("/health").status()).isEqualTo(200);
            assertThat(api.get("/api/v1/events?limit=5").status()).isEqualTo(200);
            assertThat(api.get("/api/v1/events/" + acknowledged.getLast()).status()).isEqualTo(200);
            assertThat(api.get("/api/v1/services").status()).isEqualTo(200);

            disk.resize(mebibytes * 4);
            // The first writes after space returns: what is answered 202 is stored, what is refused is not.
            List<String> probes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = "probe-" + i;
                int status = api.post("/api/v1/events", Json.MAPPER.createArrayNode().add(Faults.event(id))).status();
                assertThat(status).isIn(202, 503);
                if (status == 202) probes.add(id);
            }
            Faults.Ingestor after = new Faults.Ingestor(() -> api, "after-", 2_000, 100);
            after.awaitDone();
            assertThat(after.acknowledged).as("it recovers by itself: " + after.answers()).hasSize(2_000);
            acknowledged.addAll(probes);
            acknowledged.addAll(after.acknowledged);

            await().atMost(WAIT).until(() -> Faults.Ledger.of(receiver, secret).hasAll(acknowledged));
            Faults.Ledger ledger = Faults.Ledger.of(receiver, secret);
            for (int i = 0; i < 5; i++) {
                int status = api.get("/api/v1/events/probe-" + i).status();
                assertThat(status).as("probe-%d stored exactly when acknowledged", i).isEqualTo(probes.contains("probe-" + i) ? 200 : 404);
            }
            for (int i = 0; i < 3; i++) assertThat(api.get("/api/v1/events/refused-" + i).status()).isEqualTo(404);
            assertThat(acknowledged).as("only acknowledged events were delivered").containsAll(ledger.webhookIds().keySet());
            assertThat(ledger.eventsWithSeveralIds()).isZero();
            assertThat(ledger.badSignatures()).isZero();
            new FaultFigures("disk full (SQLite on a " + mebibytes + " MiB tmpfs, then " + mebibytes * 4 + " MiB)", "sqlite",
                    acknowledged.size(), acknowledged.stream().filter(ledger.webhookIds()::containsKey).count(),
                    ledger.missing(acknowledged).size(), ledger.duplicates(), "filling: " + filling.answers()
                    + "; after: " + after.answers(), "reads answered 200 while full; 503 `disk_full` with Retry-After 30").record();
        }
    }
}
