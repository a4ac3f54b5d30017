package herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeraldConfigTest {

    @Test
    void defaultsAreSqliteInTheDataDirOnLoopback8080() {
        HeraldConfig c = HeraldConfig.fromMap(Map.of());
        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.database().url()).isEqualTo("jdbc:sqlite:./data/herald.db");
        assertThat(c.http().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.ingest().maxBatch()).isEqualTo(500);
        assertThat(c.delivery().maxPayloadBytes()).isEqualTo(256 * 1024);
    }

    @Test
    void thePayloadLimitIsConfigurableAndBounded() {
        assertThat(HeraldConfig.fromMap(Map.of("HERALD_MAX_PAYLOAD_BYTES", "65536")).delivery().maxPayloadBytes()).isEqualTo(65536);
        assertThatThrownBy(() -> HeraldConfig.fromMap(Map.of("HERALD_MAX_PAYLOAD_BYTES", "10")))
                .hasMessageContaining("HERALD_MAX_PAYLOAD_BYTES must be between 1024");
    }

    @Test
    void retentionAndLeaseDefaultsAndBounds() {
        HeraldConfig c = HeraldConfig.fromMap(Map.of());
        assertThat(c.delivery().retentionDays()).isEqualTo(30);
        assertThat(c.delivery().leaseS()).isEqualTo(300);
    }

    @Test
    void retentionAndLeaseAreBounded() {
        assertThatThrownBy(() -> HeraldConfig.fromMap(Map.of("HERALD_RETENTION_DAYS", "0", "HERALD_DELIVERY_LEASE_S", "1")))
                .hasMessageContaining("HERALD_RETENTION_DAYS must be between 1").hasMessageContaining("HERALD_DELIVERY_LEASE_S");
        assertThat(HeraldConfig.fromMap(Map.of("HERALD_RETENTION_DAYS", "7")).delivery().retentionDays()).isEqualTo(7);
    }

    @Test
    void theEnvironmentWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("herald.properties");
        Files.writeString(file, "http.port=9000\nmax.batch=10\n");
        HeraldConfig c = HeraldConfig.load(Map.of("HERALD_CONFIG", file.toString(), "HERALD_HTTP_PORT", "9100"));
        assertThat(c.http().port()).isEqualTo(9100);
        assertThat(c.ingest().maxBatch()).isEqualTo(10);
    }

    @Test
    void everyBadValueIsReportedAtOnce(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> HeraldConfig.fromMap(Map.of("HERALD_HTTP_PORT", "http", "HERALD_LOG_FORMAT", "xml",
                "HERALD_OUTBOUND_ALLOW", "127.0.0.0/99", "HERALD_DATABASE_URL", "jdbc:mysql://x")))
                .hasMessageContaining("HERALD_HTTP_PORT").hasMessageContaining("HERALD_LOG_FORMAT")
                .hasMessageContaining("HERALD_OUTBOUND_ALLOW").hasMessageContaining("HERALD_DATABASE_URL");
        Path unknownOnly = dir.resolve("unknown.properties");
        Files.writeString(unknownOnly, "http.prot=1\n");
        assertThatThrownBy(() -> HeraldConfig.load(Map.of("HERALD_CONFIG", unknownOnly.toString())))
                .isInstanceOfSatisfying(herald.config.ConfigException.class, e -> assertThat(e.problems()).hasSize(1));
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "http.prot=1\nhttp.port=abc\nlog.format=xml\nHERALD_RETENTION_DAYS=-1\n");
        assertThatThrownBy(() -> HeraldConfig.load(Map.of("HERALD_CONFIG", file.toString(), "HERALD_MAX_BATCH", "0")))
                .hasMessageContaining("unknown setting 'http.prot'")
                .hasMessageContaining("http.port (in " + file + ") must be a whole number, was 'abc'") // as the file names it
                .hasMessageContaining("log.format (in " + file + ")").hasMessageContaining("HERALD_RETENTION_DAYS (in " + file + ")")
                .hasMessageContaining("HERALD_MAX_BATCH must be"); // from the environment, by its own name
    }

    @Test
    void toStringHidesThePassword() {
        HeraldConfig c = HeraldConfig.fromMap(Map.of("HERALD_DATABASE_URL", "jdbc:postgresql://h/db?user=a&password=hunter2"));
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}
