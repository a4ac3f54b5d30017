package herald.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import herald.config.ConfigException;
import herald.config.HeraldConfig;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start whose database cannot be used says why in one line (exit code 2), as configuration problems do. */
class DatabaseAtStartTest {

    /** It was 46 lines of the pool's and the driver's stack traces, and exit code 1. */
    @Test
    void aDatabaseThatCannotBeReachedIsSaidInOneLineWithoutItsPassword(@TempDir Path dir) {
        Map<String, String> env = Map.of("HERALD_DATA_DIR", dir.toString(), "HERALD_HTTP_PORT", "0",
                "HERALD_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/herald?user=postgres&password=hunter2&connectTimeout=2");
        assertThatThrownBy(() -> Herald.start(HeraldConfig.fromMap(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HERALD_DATABASE_URL: cannot reach the database at jdbc:postgresql://127.0.0.1:1/herald")
                .hasMessageContaining("password=***")
                .hasMessageNotContaining("hunter2");
    }

    /**
     * Flyway only warns of a schema newer than its migrations, so an older build served on tables it
     * does not know (a node left behind in an upgrade of several).
     */
    @Test
    void aSchemaFromANewerHeraldIsRefused(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("HERALD_DATA_DIR", dir.toString(), "HERALD_HTTP_PORT", "0");
        Herald.start(HeraldConfig.fromMap(env)).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("herald.db")); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, installed_on, execution_time, success) VALUES (99, '99', 'from a newer build', 'SQL',"
                    + " 'V99__newer.sql', 0, 'test', '2026-12-07 00:00:00', 1, 1)");
        }
        assertThatThrownBy(() -> Herald.start(HeraldConfig.fromMap(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema is version 99, from a newer Herald; this build knows up to");
    }
}
