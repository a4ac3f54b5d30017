package herald.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.ChildHerald;
import herald.testing.Postgres;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of a real Herald process at random moments while events flow in and out,
 * restarted each time on the same database: every acknowledged event is delivered, a duplicate
 * carries the first send's {@code webhook-id}, and duplicates stay within what was in flight.
 */
class KillTest {
    private static final String KEY = "kill-test-admin-key-0123456789";
    /** Sends in flight per node; sent deliveries waiting to be recorded are at most 8 times this (the dispatcher's room). */
    private static final int CONCURRENCY = 16;
    private static final int IN_FLIGHT = 8 * CONCURRENCY;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyAcknowledgedEventIsDeliveredThroughRepeatedKills(Backend backend) throws Exception {
        int kills = FaultFigures.scale(2, 20);
        int total = FaultFigures.scale(3_000, 100_000);
        Random random = new Random(20261206L + backend.ordinal());
        Path dir = Files.createTempDirectory("herald-kill");
        String pg = backend == Backend.POSTGRES ? Postgres.createDatabase("herald_kill") : null;
        int port = Faults.freePort();
        Path log = dir.resolve("herald.log");
        try (Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.status(200).after(2)); // deliveries are in flight at each kill
            AtomicReference<ChildHerald> node = new AtomicReference<>(ChildHerald.start(env(dir, pg), port, log));
            Api api = node.get().api(KEY);
            String secret = Faults.sink(api, receiver.url(), breakerOff());
            try (Faults.Ingestor ingest = new Faults.Ingestor(() -> api, "kill-", total, 50)) {
                for (int k = 0; k < kills; k++) {
                    int seen = receiver.received().size();
                    int more = 100 + random.nextInt(Math.max(1, total / (kills + 1) - 100));
                    await().atMost(Duration.ofSeconds(120)).until(() -> receiver.received().size() >= seen + more
                            || ingest.acknowledged.size() == total);
                    node.get().kill();
                    node.set(ChildHerald.start(env(dir, pg), port, log));
                }
                ingest.awaitDone();
                assertThat(ingest.acknowledged).as(ingest.answers()).hasSize(total);
                checkAndRecord("kill -9 at " + kills + " random moments, restarted each time", backend.name().toLowerCase(),
                        kills, receiver, secret, ingest, log);
            } finally {
                node.get().close();
            }
        } finally {
            if (pg != null) Postgres.dropDatabase(pg);
            Faults.delete(dir);
        }
    }

    @Test
    void twoNodesOnPostgresLoseNothingWhenOneIsKilledAgainAndAgain() throws Exception {
        int kills = FaultFigures.scale(2, 20);
        int total = FaultFigures.scale(3_000, 100_000);
        Random random = new Random(6122026L);
        Path dir = Files.createTempDirectory("herald-kill2");
        String pg = Postgres.createDatabase("herald_kill2");
        int stablePort = Faults.freePort(), killedPort = Faults.freePort();
        Path log = dir.resolve("herald.log");
        try (Receiver receiver = new Receiver();
             ChildHerald stable = ChildHerald.start(env(dir.resolve("a"), pg), stablePort, log)) {
            receiver.reply(r -> Reply.status(200).after(2));
            AtomicReference<ChildHerald> killed = new AtomicReference<>(ChildHerald.start(env(dir.resolve("b"), pg), killedPort, log));
            String secret = Faults.sink(stable.api(KEY), receiver.url(), breakerOff());
            // Half the batches go to each node, as behind a load balancer; a batch the killed node did not answer goes again.
            Api[] nodes = {stable.api(KEY), killed.get().api(KEY)};
            java.util.concurrent.atomic.AtomicLong turn = new java.util.concurrent.atomic.AtomicLong();
            try (Faults.Ingestor ingest = new Faults.Ingestor(() -> nodes[(int) (turn.incrementAndGet() % 2)], "two-", total, 50)) {
                for (int k = 0; k < kills; k++) {
                    int seen = receiver.received().size();
                    int more = 100 + random.nextInt(Math.max(1, total / (kills + 1) - 100));
                    await().atMost(Duration.ofSeconds(120)).until(() -> receiver.received().size() >= seen + more
                            || ingest.acknowledged.size() == total);
                    killed.get().kill();
                    killed.set(ChildHerald.start(env(dir.resolve("b"), pg), killedPort, log));
                }
                ingest.awaitDone();
                assertThat(ingest.acknowledged).as(ingest.answers()).hasSize(total);
                checkAndRecord("two nodes, one killed with kill -9 at " + kills + " random moments and restarted", "postgres",
                        kills, receiver, secret, ingest, log);
            } finally {
                killed.get().close();
            }
        } finally {
            Postgres.dropDatabase(pg);
            Faults.delete(dir);
        }
    }

    private static Map<String, String> env(Path dir, String pg) {
        Map<String, String> env = new HashMap<>();
        env.put("HERALD_DATA_DIR", dir.toString());
        env.put("HERALD_ADMIN_KEY", KEY);
        env.put("HERALD_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32])); // nodes share secrets
        env.put("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");
        env.put("HERALD_DISPATCHER_CONCURRENCY", Integer.toString(CONCURRENCY));
        env.put("HERALD_DELIVERY_LEASE_S", "5"); // a killed node's claims come back after 10 s (the 5 s timeout + 5 s)
        if (pg != null) env.put("HERALD_DATABASE_URL", pg);
        return env;
    }

    /** A fresh JVM under load answers slowly at first: no breaker, so only the kills are tested. */
    private static com.fasterxml.jackson.databind.node.ObjectNode breakerOff() {
        var service = Json.object().put("timeout_ms", 5000);
        service.putObject("circuit_breaker").put("threshold", 10_000);
        return service;
    }

    /**
     * Every acknowledged event arrived; a duplicate carries the first send's webhook-id; duplicates
     * stay within what the kills left sent and not recorded; no 5xx. Then the figures.
     */
    private static void checkAndRecord(String fault, String backend, int kills, Receiver receiver, String secret,
                                       Faults.Ingestor ingest, Path log) throws Exception {
        awaitAll(receiver, secret, ingest, log);
        Faults.Ledger ledger = Faults.Ledger.of(receiver, secret);
        assertThat(ledger.eventsWithSeveralIds()).as("a duplicate carries the same webhook-id").isZero();
        assertThat(ledger.badSignatures()).isZero();
        assertThat(ledger.duplicates()).as("duplicates within what was in flight at the kills").isLessThanOrEqualTo((long) kills * IN_FLIGHT);
        assertThat(ingest.serverErrors()).as(ingest.answers() + " " + ingest.refusals).isZero();
        new FaultFigures(fault, backend, ingest.acknowledged.size(),
                ingest.acknowledged.stream().filter(ledger.webhookIds()::containsKey).count(),
                ledger.missing(ingest.acknowledged).size(), ledger.duplicates(), ingest.answers(),
                "duplicates allowed: " + kills + " × " + IN_FLIGHT).record();
    }

    private static void awaitAll(Receiver receiver, String secret, Faults.Ingestor ingest, Path log) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(180)).until(() -> Faults.Ledger.of(receiver, secret).hasAll(ingest.acknowledged));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            var missing = Faults.Ledger.of(receiver, secret).missing(ingest.acknowledged);
            throw new AssertionError(missing.size() + " acknowledged events never arrived, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())) + "; log: " + log, e);
        }
    }
}
