package herald.testing;

import herald.app.Herald;
import herald.config.HeraldConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Herald on a loopback port 0, on a fresh SQLite file or a fresh PostgreSQL database.
 * {@link #restart()} stops it and starts it again on the same storage.
 */
public final class TestHerald implements AutoCloseable {
    public static final String ADMIN_KEY = "test-admin-key-0123456789";

    private final Backend backend;
    private final Path dataDir;
    private final String pgUrl;
    private final Map<String, String> extra;
    private Herald herald;

    private TestHerald(Backend backend, Map<String, String> extra) throws IOException {
        this.backend = backend;
        this.dataDir = Files.createTempDirectory("herald-test");
        this.pgUrl = backend == Backend.POSTGRES ? Postgres.createDatabase("herald_test") : null;
        this.extra = extra;
        this.herald = Herald.start(config());
    }

    public static TestHerald start(Backend backend) {
        return start(backend, Map.of());
    }

    public static TestHerald start(Backend backend, Map<String, String> settings) {
        try {
            return new TestHerald(backend, settings);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HeraldConfig config() {
        return HeraldConfig.fromMap(environment());
    }

    /** The configuration as environment variables: what a child process needs to use the same storage. */
    public Map<String, String> environment() {
        Map<String, String> m = new HashMap<>();
        m.put("HERALD_HTTP_PORT", "0");
        m.put("HERALD_DATA_DIR", dataDir.toString());
        m.put("HERALD_ADMIN_KEY", ADMIN_KEY);
        m.put("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8,::1/128"); // tests' receivers are on loopback
        if (pgUrl != null) m.put("HERALD_DATABASE_URL", pgUrl);
        m.putAll(extra);
        return m;
    }

    public Api api() {
        return new Api(herald.port(), ADMIN_KEY);
    }

    public Api api(String key) {
        return new Api(herald.port(), key);
    }

    public Herald herald() {
        return herald;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Backend backend() {
        return backend;
    }

    public void restart() {
        herald.close();
        herald = Herald.start(config());
    }

    @Override
    public void close() {
        herald.close();
        if (pgUrl != null) Postgres.dropDatabase(pgUrl);
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files; the OS cleans up what is left
        }
    }
}
