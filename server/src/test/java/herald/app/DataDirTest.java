package herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import herald.config.ConfigException;
import herald.config.HeraldConfig;
import herald.json.Json;
import herald.testing.Backend;
import herald.testing.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a start makes of its data directory: one server per SQLite file, a master key kept only once it fits. */
class DataDirTest {

    @Test
    void aSecondServerOnTheSameSqliteFileIsRefusedInOneLineAndTheFirstGoesOn() {
        try (TestHerald first = TestHerald.start(Backend.SQLITE)) {
            assertThatThrownBy(() -> Herald.start(HeraldConfig.fromMap(first.environment())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("another Herald server is using " + first.dataDir().resolve("herald.db").toAbsolutePath());
            assertThat(first.api().get("/api/v1/services").status()).isEqualTo(200);
            first.restart(); // its own lock is let go at its stop, and taken again
            assertThat(first.api().get("/api/v1/services").status()).isEqualTo(200);
        }
    }

    @Test
    void aDataDirectoryThatCannotBeWrittenIsSaidInOneLine(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        Map<String, String> env = Map.of("HERALD_DATA_DIR", notADirectory.resolve("data").toString(), "HERALD_HTTP_PORT", "0");
        assertThatThrownBy(() -> Herald.start(HeraldConfig.fromMap(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HERALD_DATA_DIR: cannot write in " + notADirectory.resolve("data") + ": Not a directory");
    }

    @Test
    void aStartRefusedForALostMasterKeyLeavesNoOtherKeyBehind() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            herald.api().post("/api/v1/services", Json.object().put("name", "crm").put("url", "https://crm.example/hook"));
            Map<String, String> env = new HashMap<>(herald.environment());
            herald.herald().close();
            Path key = herald.dataDir().resolve("master.key");
            assertThat(key.toFile().delete()).isTrue(); // lost
            assertThatThrownBy(() -> Herald.start(HeraldConfig.fromMap(env)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("master.key (this node's own: HERALD_MASTER_KEY is not set) cannot read the secrets");
            assertThat(key).as("the backup of the key can still be put back as it was").doesNotExist();
        }
    }
}
