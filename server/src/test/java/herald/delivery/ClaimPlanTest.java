package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL, claims find their rows through indexes however large the table: with
 * {@code id IN (subquery)} the planner joined the claimed ids against a scan of every delivery
 * (23 µs per claimed row at 50,000 rows, and growing with the 30 days that retention keeps).
 */
class ClaimPlanTest {
    @Test
    void claimsDoNotScanTheDeliveriesTable() {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES)) {
            Api api = h.api();
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)); // claims are made below
            String service = Hooks.serviceSubscribedToAll(api, "plan", "http://127.0.0.1:9/a", null);
            api.ingest(Events.courseViewed("plan-", 600));
            var db = h.herald().database();
            // A month of finished work, as retention keeps it, and statistics that know about it.
            db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO deliveries (id, event_id, subscription_id,"
                    + " service_id, status, attempts, next_attempt_at, created_at, updated_at) SELECT 'msg_old' || g, 'evt_old' || g,"
                    + " 'sub_old', '" + service + "', 'delivered', 1, g, g, g FROM generate_series(1, 50000) g"));
            db.inTransaction(c -> c.createStatement().execute("ANALYZE deliveries"));

            var claims = new DeliveryClaims(db);
            long now = System.currentTimeMillis();
            long seqScans = db.inTransaction(c -> {
                long before = seqScans(c);
                // Batches as large as the dispatcher's (the plan changed with the batch size).
                assertThat(claims.claim(c, now, 400, 60_000, null)).hasSize(400);
                assertThat(claims.claim(c, now, 100, 60_000, service)).hasSize(100);
                assertThat(claims.perService(c, now, 100, 60_000, Map.of(service, 100))).hasSize(100);
                return seqScans(c) - before;
            });
            assertThat(seqScans).isZero();
        }
    }

    /**
     * Scans of the deliveries table counted by this connection and not yet reported: they include
     * earlier transactions' on a pooled connection, so only a difference within one transaction counts.
     */
    private static long seqScans(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(
                "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'deliveries'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
