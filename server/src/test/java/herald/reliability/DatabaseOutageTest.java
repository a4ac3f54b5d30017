package herald.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Postgres;
import herald.testing.Receiver;
import herald.testing.TcpProxy;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away during ingest, as a restart looks to its clients: every connection is broken
 * and new ones are refused (a loopback proxy in front of the real server is cut), then it is back.
 */
class DatabaseOutageTest {
    @Test
    void ingestAnswers503WithRetryAfterWhileDownAndEveryAcknowledgedEventIsDelivered() throws Exception {
        String pg = Postgres.createDatabase("herald_outage");
        try (TcpProxy proxy = new TcpProxy(5432); Receiver receiver = new Receiver();
             TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_DATABASE_URL",
                     pg.replace("127.0.0.1:5432/", "127.0.0.1:" + proxy.port() + "/"),
                     // A claim or hand-off whose commit was cut mid-way may have been stored without
                     // this node knowing it: those deliveries go when their lease ends (docs/reliability.md).
                     "HERALD_DELIVERY_LEASE_S", "10"))) {
            Api api = h.api();
            String secret = Faults.sink(api, receiver.url(), null);
            int total = FaultFigures.scale(6_000, 100_000);
            int downFor = FaultFigures.scale(3, 6); // refusals seen while it is down, each after the pool's 10 s timeout
            try (Faults.Ingestor ingest = new Faults.Ingestor(() -> api, "pg-", total, 50)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> ingest.acknowledged.size() >= total / 5);
                proxy.cut();
                await().atMost(Duration.ofSeconds(30L + 15L * downFor)).until(() -> ingest.answered(503) >= downFor);
                // A balancer hears it too: the node cannot take events while its database does not answer (the
                // first check waits out the pool's 10 s connection timeout, meanwhile /health keeps its last answer).
                await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/health").status() == 503);
                assertThat(api.get("/health").json().get("status").asText()).isEqualTo("database_unreachable");
                proxy.restore();
                await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/health").status() == 200);
                ingest.awaitDone();
                assertThat(ingest.acknowledged).as(ingest.answers()).hasSize(total);
                assertThat(ingest.serverErrors()).as("only 503s: " + ingest.answers()).isEqualTo(ingest.answered(503));
                assertThat(ingest.noAnswer).as("every request answered").hasValue(0);
                assertThat(ingest.refusals).allSatisfy(r -> assertThat(r).startsWith("503 5 ").contains("retry shortly"));
                assertThat(ingest.slowestMs.get()).as("no answer waits past the database's 10 s connection timeout")
                        .isLessThan(12_000);

                await().atMost(Duration.ofSeconds(120)).until(() -> Faults.Ledger.of(receiver, secret).hasAll(ingest.acknowledged));
                Faults.Ledger ledger = Faults.Ledger.of(receiver, secret);
                assertThat(ledger.eventsWithSeveralIds()).isZero();
                assertThat(ledger.badSignatures()).isZero();
                new FaultFigures("PostgreSQL connections cut and refused during ingest, then back", "postgres",
                        ingest.acknowledged.size(), ingest.acknowledged.stream().filter(ledger.webhookIds()::containsKey).count(),
                        ledger.missing(ingest.acknowledged).size(), ledger.duplicates(), ingest.answers(),
                        "slowest answer " + ingest.slowestMs.get() + " ms").record();
            }
        } finally {
            Postgres.dropDatabase(pg);
        }
    }
}
