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

            // Full, with what the database files can still reuse inside them: a write is stored and
            // answered 202, or refused the same clear way and nothing of it kept. Never a 500.
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var batch = Json.MAPPER.createArrayNode();
                List<String> ids = new ArrayList<>();
                for (int j = 0; j < 100; j++) batch.add(Faults.event(ids.add("full-" + i + "-" + j) ? ids.getLast() : null));
                Api.Response r = api.post("/api/v1/events", batch);
                assertThat(r.status()).as(r.text()).isIn(202, 503);
                if (r.status() == 202) {
                    acknowledged.addAll(ids);
                } else {
                    assertThat(r.json().get("code").asText()).isEqualTo("disk_full");
                    assertThat(r.contentType()).isEqualTo("application/problem+json");
                    refused.addAll(ids);
                }
            }
            Api.Response service = api.post("/api/v1/services", Json.object().put("name", "another").put("url", receiver.url()));
            assertThat(service.status()).as(service.text()).isIn(201, 503);
            if (service.status() == 503) assertThat(service.json().get("code").asText()).isEqualTo("disk_full");
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
            for (String id : refused) assertThat(api.get("/api/v1/events/" + id).status()).as(id + " was refused").isEqualTo(404);
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
