package herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import herald.testing.Backend;
import herald.testing.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An upgrade chains the ordered deliveries still waiting or being sent as the index by key ordered
 * them (V12), and waiting deliveries deleted later leave their key's line, several of one line in
 * one statement too.
 */
class OrderingChainMigrationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void waitingOrderedDeliveriesAreChainedInTheirKeysOrder(Backend backend) throws Exception {
        String pg = backend == Backend.POSTGRES ? Postgres.createDatabase("herald_chain") : null;
        String url = pg != null ? pg : "jdbc:sqlite:" + dir.resolve("herald.db");
        String dialect = pg != null ? "postgresql" : "sqlite";
        try {
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + dialect).target("11")
                    .load().migrate();
            try (Connection c = java.sql.DriverManager.getConnection(url)) {
                insert(c, "d1", "delivered", "7");
                insert(c, "d2", "retrying", "7");
                insert(c, "d3", "pending", "7");
                insert(c, "d4", "paused", "7");
                insert(c, "d5", "delivering", "8");
                insert(c, "d6", "pending", null);
                insert(c, "d7", "pending", "7");
            }
            try (Database db = Database.open(url, null, null)) {
                Map<String, String> prev = db.read(OrderingChainMigrationTest::prevIds);
                assertThat(prev).containsEntry("d1", null).containsEntry("d2", null).containsEntry("d3", "d2")
                        .containsEntry("d4", "d3").containsEntry("d7", "d4").containsEntry("d5", null).containsEntry("d6", null);
                assertThat(db.read(OrderingChainMigrationTest::tails)).isEqualTo(Map.of("7", "d7", "8", "d5"));

                // d3 and d4 deleted from the middle in one statement (a learner's erasure does): d7 waits for d2
                db.inTransaction(c -> delete(c, "d3", "d4"));
                assertThat(db.read(OrderingChainMigrationTest::prevIds)).containsEntry("d7", "d2");
                // the last one deleted: the key's last one is d2 again
                db.inTransaction(c -> delete(c, "d7"));
                assertThat(db.read(OrderingChainMigrationTest::tails)).containsEntry("7", "d2");
                // the last one of a key deleted, with none before it: the key has no line left
                db.inTransaction(c -> delete(c, "d5"));
                assertThat(db.read(OrderingChainMigrationTest::tails)).doesNotContainKey("8");
                // an ended delivery deleted (retention) leaves its line as it is
                db.inTransaction(c -> delete(c, "d1"));
                assertThat(db.read(OrderingChainMigrationTest::tails)).containsEntry("7", "d2");
            }
        } finally {
            if (pg != null) Postgres.dropDatabase(pg);
        }
    }

    private static void insert(Connection c, String id, String status, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO deliveries (id, event_id, subscription_id, service_id, status,"
                + " attempts, next_attempt_at, created_at, updated_at, ordering_key) VALUES (?, ?, 'sub', 'svc', ?, 0, 0, 0, 0, ?)")) {
            ps.setString(1, id);
            ps.setString(2, "e" + id);
            ps.setString(3, status);
            ps.setString(4, key);
            ps.executeUpdate();
        }
    }

    private static Void delete(Connection c, String... ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM deliveries WHERE id IN (" + Sql.marks(ids.length) + ")")) {
            for (int i = 0; i < ids.length; i++) ps.setString(i + 1, ids[i]);
            ps.executeUpdate();
        }
        return null;
    }

    private static Map<String, String> prevIds(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, prev_id FROM deliveries"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    private static Map<String, String> tails(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ordering_key, delivery_id FROM ordering_tails WHERE subscription_id = 'sub'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }
}
