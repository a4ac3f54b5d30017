package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetentionTest {

    private static long attempts(TestHerald h) {
        return rows(h, "attempts");
    }

    private static long rows(TestHerald h, String table) {
        return h.herald().database().read(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void deliveredWorkIsPrunedAfterTheRetentionPeriodAndDeadLettersAfterTheirs(Backend backend) {
        try (TestHerald h = TestHerald.start(backend, Map.of("HERALD_RETENTION_DAYS", "2", "HERALD_DEAD_LETTER_RETENTION_DAYS", "5"));
             Receiver ok = new Receiver(); Receiver failing = new Receiver()) {
            Api api = h.api();
            failing.answer(() -> 500);
            Hooks.serviceSubscribedToAll(api, "ok", ok.url(), null);
            var once = Json.object();
            once.putObject("retry").putArray("schedule_s");
            var svc = api.post("/api/v1/services", once.put("name", "failing").put("url", failing.url())).json();
            // ordered by a key: the key's line is kept as long as its last delivery
            var sub = Json.object().put("service_id", svc.get("id").asText()).put("ordering_key", "id");
            sub.putArray("events").add("user.created");
            api.post("/api/v1/subscriptions", sub);

            api.post("/api/v1/events", Events.courseViewed("r-1"));     // delivered to ok only
            api.post("/api/v1/events", Events.generic("r-2", "user.created")); // delivered to ok, dead for failing
            awaitDelivery(api, "r-1", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                var ds = api.get("/api/v1/events/r-2").json().get("deliveries");
                return ds.size() == 2 && ds.findValuesAsText("status").containsAll(java.util.List.of("delivered", "dead"));
            });
            assertThat(attempts(h)).isEqualTo(3);

            Retention retention = h.herald().retention();
            long now = System.currentTimeMillis();
            assertThat(retention.prune(now)).isEqualTo(new Retention.Pruned(0, 0));
            assertThat(retention.prune(now + TimeUnit.DAYS.toMillis(1))).isEqualTo(new Retention.Pruned(0, 0));

            // Three days on: both delivered deliveries and their attempts go, and the event with nothing left.
            assertThat(retention.prune(now + TimeUnit.DAYS.toMillis(3))).isEqualTo(new Retention.Pruned(2, 1));
            assertThat(api.get("/api/v1/events/r-1").status()).isEqualTo(404);
            var kept = api.get("/api/v1/events/r-2").json().get("deliveries");
            assertThat(kept).hasSize(1);
            assertThat(kept.get(0).get("status").asText()).isEqualTo("dead");
            assertThat(attempts(h)).isEqualTo(1);
            assertThat(rows(h, "ordering_tails")).isEqualTo(1);

            // Six days on, past the dead letters' five: the dead letter goes too, then its event.
            assertThat(retention.prune(now + TimeUnit.DAYS.toMillis(6))).isEqualTo(new Retention.Pruned(1, 1));
            assertThat(api.get("/api/v1/events/r-2").status()).isEqualTo(404);
            assertThat(attempts(h)).isZero();
            assertThat(rows(h, "ordering_tails")).isZero();
        }
    }

    /**
     * A delivered one replayed while retention prunes it stays, with its attempts. On PostgreSQL the
     * replay's transaction holds the row; retention had read it as delivered and waits to delete it.
     */
    @Test
    void aDeliveryReplayedWhileRetentionPrunesItStays() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES, Map.of("HERALD_RETENTION_DAYS", "2")); Receiver ok = new Receiver()) {
            Api api = h.api();
            Hooks.serviceSubscribedToAll(api, "ok", ok.url(), null);
            api.post("/api/v1/events", Events.courseViewed("rr-1"));
            awaitDelivery(api, "rr-1", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            String id = api.get("/api/v1/events/rr-1").json().get("deliveries").get(0).get("id").asText();
            String url = h.environment().get("HERALD_DATABASE_URL");
            try (Connection replay = DriverManager.getConnection(url); Connection watch = DriverManager.getConnection(url)) {
                replay.setAutoCommit(false);
                try (PreparedStatement ps = replay.prepareStatement("UPDATE deliveries SET status = 'pending', attempts = 0 WHERE id = ?")) {
                    ps.setString(1, id);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                assertThat(pruneWhileHeldBy(h, replay, watch).deliveries()).isZero();
            }
            var kept = api.get("/api/v1/deliveries/" + id);
            assertThat(kept.status()).isEqualTo(200);
            assertThat(kept.json().get("attempts").size()).as("its earlier attempt is kept").isPositive();
        }
    }

    /**
     * A batch in which one delivery was replayed meanwhile deletes one fewer than it read; retention
     * still goes on to the next batch (it stopped there, as if it had run out, and left the rest for
     * its next run).
     */
    @Test
    void aReplayDuringABatchDoesNotStopRetentionShort() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES, Map.of("HERALD_RETENTION_DAYS", "2")); Receiver ok = new Receiver()) {
            Api api = h.api();
            Hooks.serviceSubscribedToAll(api, "ok", ok.url(), null);
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
            api.ingest(Events.courseViewed("rb-", 1_010));
            String url = h.environment().get("HERALD_DATABASE_URL");
            try (Connection replay = DriverManager.getConnection(url); Connection watch = DriverManager.getConnection(url)) {
                watch.createStatement().executeUpdate("UPDATE deliveries SET status = 'delivered', attempts = 1");
                replay.setAutoCommit(false);
                assertThat(replay.createStatement().executeUpdate("UPDATE deliveries SET status = 'pending', attempts = 0"
                        + " WHERE id = (SELECT MIN(id) FROM deliveries)")).isEqualTo(1); // in the first batch, replayed
                assertThat(pruneWhileHeldBy(h, replay, watch).deliveries()).isEqualTo(1_009);
            }
        }
    }

    /**
     * Prunes as if three days had passed while {@code held} (a replay, not yet committed) holds rows
     * retention read: waits until retention's delete waits for them, then commits the replay.
     */
    private static Retention.Pruned pruneWhileHeldBy(TestHerald h, Connection held, Connection watch) throws Exception {
        CompletableFuture<Retention.Pruned> pruning = CompletableFuture.supplyAsync(
                () -> h.herald().retention().prune(System.currentTimeMillis() + TimeUnit.DAYS.toMillis(3)));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (var rs = watch.createStatement().executeQuery("SELECT COUNT(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM deliveries%'")) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        });
        held.commit();
        return pruning.get(20, TimeUnit.SECONDS);
    }
}
