package herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import herald.testing.Backend;
import herald.testing.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Delivery bookkeeping commits without waiting for the disk flush; every other commit (acknowledged
 * events above all) must still wait for it, on every pooled connection.
 */
class BookkeepingTransactionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void onlyBookkeepingSkipsTheFlushAndEveryConnectionFlushesAfterwards(Backend backend) throws Exception {
        String pg = backend == Backend.POSTGRES ? Postgres.createDatabase("herald_bookkeeping") : null;
        String url = pg != null ? pg : "jdbc:sqlite:" + dir.resolve("herald.db");
        try (Database db = Database.open(url, pg != null ? Postgres.USER : null, null)) {
            String inside = db.inBookkeepingTransaction(BookkeepingTransactionTest::flushSetting);
            assertThat(inside).isEqualTo(backend == Backend.POSTGRES ? "off" : "1"); // 1: NORMAL

            // Every connection of the pool at once: any of them may carry the next event commit.
            int poolSize = backend == Backend.POSTGRES ? 16 : 8;
            List<String> settings = new ArrayList<>();
            holdAll(db, poolSize, settings);
            assertThat(settings).hasSize(poolSize).containsOnly(backend == Backend.POSTGRES ? "on" : "2"); // 2: FULL
        } finally {
            if (pg != null) Postgres.dropDatabase(pg);
        }
    }

    private static void holdAll(Database db, int depth, List<String> out) {
        if (depth == 0) return;
        db.read(c -> {
            out.add(flushSetting(c));
            holdAll(db, depth - 1, out);
            return null;
        });
    }

    private static String flushSetting(Connection c) throws SQLException {
        boolean pg = c.getMetaData().getURL().startsWith("jdbc:postgresql:");
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(pg ? "SHOW synchronous_commit" : "PRAGMA synchronous")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
