package herald.config;

import herald.net.Cidr;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Startup configuration: built-in defaults, then the config file, then {@code HERALD_*} environment
 * variables (env wins). Validated once into one settings record per area, each handed whole to the
 * part of Herald it configures; nothing can change afterwards.
 */
public record HeraldConfig(
        Path dataDir,
        String logFormat,
        HttpSettings http,
        DatabaseSettings database,
        AccessSettings access,
        IngestSettings ingest,
        DeliverySettings delivery,
        SourceSettings sources,
        OutboundSettings outbound,
        OperationalSettings operational) {

    /**
     * The system property that carries {@link #logFormat} to the logging set-up, which runs before
     * anything else is read: the CLI sets it before the first logger is made.
     */
    public static final String LOG_FORMAT_PROPERTY = "herald.log.format";

    /** Where the API listens, how large a request may be, and whether {@code /metrics} needs a key. */
    /** {@code requestMemory}: what the trees parsed from request bodies may take while held (bytes, as weighed); by default a quarter of the heap. */
    public record HttpSettings(String host, int port, long maxBodyBytes, boolean metricsPublic, long requestMemory) {}

    /** Herald's own database. */
    public record DatabaseSettings(String url, String user, String password) {
        public boolean isSqlite() {
            return url.startsWith("jdbc:sqlite:");
        }

        @Override
        public String toString() { // never print secrets
            return url.replaceAll("password=[^&]*", "password=***");
        }
    }

    /**
     * The admin key from the environment ("" for none), the master key that seals secrets ("" to use
     * the data dir's), and the admin UI's first user ("" for none: one is made with a one-time password).
     */
    public record AccessSettings(String adminKey, String masterKey, String adminUser, String adminPassword) {
        @Override
        public String toString() {
            return "AccessSettings[adminKey=" + (adminKey.isEmpty() ? "" : "***") + ", masterKey="
                    + (masterKey.isEmpty() ? "" : "***") + ", adminUser=" + adminUser + ", adminPassword="
                    + (adminPassword.isEmpty() ? "" : "***") + "]";
        }
    }

    /** Ingest: the largest batch, and how many PostgreSQL transactions may commit at once. */
    public record IngestSettings(int maxBatch, int writers) {}

    /**
     * The delivery engine. {@code deadLetterRetentionDays}: 0 keeps dead letters until they are
     * replayed or erased. {@code bodyMemory}: what deliveries being sent may hold, each counting its
     * event's body three times (see BodyBudget); by default a quarter of the heap.
     */
    public record DeliverySettings(int concurrency, int leaseS, int retentionDays, int maxPayloadBytes, int deadLetterRetentionDays,
                                   long bodyMemory) {}

    /** A JSON file of Moodle sources applied at start ("" for none). */
    public record SourceSettings(String file) {}

    /** Ranges outbound calls may reach although private or loopback. */
    public record OutboundSettings(List<String> allow) {}

    /** When Herald's own events are told: consecutive failed attempts, a source's lag (rows, seconds), dead letters in an hour. */
    public record OperationalSettings(int failures, int lagRows, int lagS, int deadLettersPerHour) {}

    /** Every setting by its environment name, with its default. A config file names it in lower case without the prefix. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("HERALD_HTTP_HOST", "127.0.0.1");
        d.put("HERALD_HTTP_PORT", "8080");
        d.put("HERALD_DATA_DIR", "./data");
        d.put("HERALD_DATABASE_URL", "");
        d.put("HERALD_DATABASE_USER", "");
        d.put("HERALD_DATABASE_PASSWORD", "");
        d.put("HERALD_ADMIN_KEY", "");
        d.put("HERALD_MASTER_KEY", "");
        d.put("HERALD_ADMIN_USER", "");
        d.put("HERALD_ADMIN_PASSWORD", "");
        d.put("HERALD_OUTBOUND_ALLOW", "");
        d.put("HERALD_MAX_BODY_BYTES", String.valueOf(1024 * 1024));
        d.put("HERALD_MAX_BATCH", "500");
        d.put("HERALD_LOG_FORMAT", "plain");
        d.put("HERALD_DISPATCHER_CONCURRENCY", "64");
        d.put("HERALD_INGEST_WRITERS", "2");
        d.put("HERALD_MAX_PAYLOAD_BYTES", String.valueOf(256 * 1024));
        d.put("HERALD_SOURCES_FILE", "");
        d.put("HERALD_RETENTION_DAYS", "30");
        d.put("HERALD_DEAD_LETTER_RETENTION_DAYS", "90");
        d.put("HERALD_OPS_FAILURES", "10");
        d.put("HERALD_OPS_LAG_ROWS", "10000");
        d.put("HERALD_OPS_LAG_S", "600");
        d.put("HERALD_OPS_DEAD_LETTERS", "100");
        d.put("HERALD_METRICS_PUBLIC", "false");
        d.put("HERALD_DELIVERY_LEASE_S", "300");
        d.put("HERALD_DELIVERY_MEMORY_BYTES", "");
        d.put("HERALD_REQUEST_MEMORY_BYTES", "");
        return java.util.Collections.unmodifiableMap(d);
    }

    /** Loads from the given environment, reading {@code HERALD_CONFIG} (or ./herald.properties if present). */
    public static HeraldConfig load(Map<String, String> env) {
        Map<String, String> values = new HashMap<>(DEFAULTS);
        String file = env.getOrDefault("HERALD_CONFIG", "");
        Path configFile = file.isBlank() ? Path.of("herald.properties") : Path.of(file);
        List<String> problems = new ArrayList<>();
        Map<String, String> fromFile = new HashMap<>(); // a setting the file gave: its name there
        if (!file.isBlank() || Files.exists(configFile)) {
            values.putAll(readFile(configFile, problems, fromFile));
        }
        for (String key : DEFAULTS.keySet()) {
            String v = env.get(key);
            if (v != null) {
                values.put(key, v);
                fromFile.remove(key);
            }
        }
        HeraldConfig config = null;
        try {
            config = fromMap(values);
        } catch (ConfigException e) { // every problem at once, each under the name the operator wrote it with
            for (String p : e.problems()) problems.add(asWritten(p, fromFile, configFile));
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return config;
    }

    /** A problem with a setting the file gave, named as the file writes it: "http.port (in herald.properties) must be …". */
    private static String asWritten(String problem, Map<String, String> fromFile, Path file) {
        for (var e : fromFile.entrySet()) {
            String key = e.getKey();
            if (problem.startsWith(key + " ") || problem.startsWith(key + ":")) {
                return e.getValue() + " (in " + file + ")" + problem.substring(key.length());
            }
        }
        return problem;
    }

    public static HeraldConfig fromMap(Map<String, String> values) {
        List<String> errors = new ArrayList<>();
        Map<String, String> v = new HashMap<>(DEFAULTS);
        v.putAll(values);
        int port = intIn(v, "HERALD_HTTP_PORT", 0, 65535, errors);
        long maxBody = intIn(v, "HERALD_MAX_BODY_BYTES", 1024, Integer.MAX_VALUE, errors);
        int maxBatch = intIn(v, "HERALD_MAX_BATCH", 1, 100_000, errors);
        int concurrency = intIn(v, "HERALD_DISPATCHER_CONCURRENCY", 1, 10_000, errors);
        int writers = intIn(v, "HERALD_INGEST_WRITERS", 1, 64, errors);
        int maxPayload = intIn(v, "HERALD_MAX_PAYLOAD_BYTES", 1024, 64L * 1024 * 1024, errors);
        int retentionDays = intIn(v, "HERALD_RETENTION_DAYS", 1, 36_500, errors);
        int deadLetterDays = intIn(v, "HERALD_DEAD_LETTER_RETENTION_DAYS", 0, 36_500, errors);
        var operational = new OperationalSettings(intIn(v, "HERALD_OPS_FAILURES", 1, 100_000, errors),
                intIn(v, "HERALD_OPS_LAG_ROWS", 1, 1_000_000_000, errors), intIn(v, "HERALD_OPS_LAG_S", 1, 31_536_000, errors),
                intIn(v, "HERALD_OPS_DEAD_LETTERS", 1, 1_000_000, errors));
        int leaseS = intIn(v, "HERALD_DELIVERY_LEASE_S", 5, 86_400, errors);
        long bodyMemory = quarterOfHeapOr(v, "HERALD_DELIVERY_MEMORY_BYTES", errors);
        long requestMemory = quarterOfHeapOr(v, "HERALD_REQUEST_MEMORY_BYTES", errors);
        boolean metricsPublic = bool(v, "HERALD_METRICS_PUBLIC", errors);
        String logFormat = v.get("HERALD_LOG_FORMAT").trim().toLowerCase();
        if (!logFormat.equals("plain") && !logFormat.equals("json")) {
            errors.add("HERALD_LOG_FORMAT must be plain or json, was '" + logFormat + "'");
        }
        Path dataDir = Path.of(v.get("HERALD_DATA_DIR").trim());
        String dbUrl = v.get("HERALD_DATABASE_URL").trim();
        if (dbUrl.isEmpty()) dbUrl = "jdbc:sqlite:" + dataDir.resolve("herald.db");
        if (!dbUrl.startsWith("jdbc:sqlite:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            errors.add("HERALD_DATABASE_URL must start with jdbc:sqlite: or jdbc:postgresql:");
        }
        List<String> allow = new ArrayList<>();
        for (String cidr : v.get("HERALD_OUTBOUND_ALLOW").split(",")) {
            if (cidr.isBlank()) continue;
            try {
                Cidr.parse(cidr.trim());
                allow.add(cidr.trim());
            } catch (IllegalArgumentException e) {
                errors.add("HERALD_OUTBOUND_ALLOW: " + e.getMessage());
            }
        }
        String sourcesFile = v.get("HERALD_SOURCES_FILE").trim();
        if (!sourcesFile.isEmpty() && !Files.isReadable(Path.of(sourcesFile))) {
            errors.add("HERALD_SOURCES_FILE: cannot read " + sourcesFile);
        }
        String adminUser = v.get("HERALD_ADMIN_USER").trim();
        String adminPassword = v.get("HERALD_ADMIN_PASSWORD");
        if (!adminUser.isEmpty() && !adminUser.matches("[A-Za-z0-9._@-]{1,64}")) {
            errors.add("HERALD_ADMIN_USER must be 1-64 letters, digits or . _ @ -");
        }
        if (adminUser.isEmpty() != adminPassword.isEmpty()) {
            errors.add("HERALD_ADMIN_USER and HERALD_ADMIN_PASSWORD go together: set both or neither");
        } else if (!adminPassword.isEmpty() && adminPassword.length() < 12) {
            errors.add("HERALD_ADMIN_PASSWORD must have at least 12 characters");
        }
        if (!errors.isEmpty()) throw new ConfigException(errors);
        return new HeraldConfig(dataDir, logFormat,
                new HttpSettings(v.get("HERALD_HTTP_HOST").trim(), port, maxBody, metricsPublic, requestMemory),
                new DatabaseSettings(dbUrl, v.get("HERALD_DATABASE_USER"), v.get("HERALD_DATABASE_PASSWORD")),
                new AccessSettings(v.get("HERALD_ADMIN_KEY").trim(), v.get("HERALD_MASTER_KEY").trim(), adminUser, adminPassword),
                new IngestSettings(maxBatch, writers),
                new DeliverySettings(concurrency, leaseS, retentionDays, maxPayload, deadLetterDays, bodyMemory),
                new SourceSettings(sourcesFile),
                new OutboundSettings(List.copyOf(allow)),
                operational);
    }

    /** A memory budget in bytes: the setting, or a quarter of the heap when it is empty. */
    private static long quarterOfHeapOr(Map<String, String> v, String key, List<String> errors) {
        return v.get(key).isBlank() ? Runtime.getRuntime().maxMemory() / 4 : intIn(v, key, 1024, Integer.MAX_VALUE, errors);
    }

    private static int intIn(Map<String, String> v, String key, long min, long max, List<String> errors) {
        String raw = v.get(key).trim();
        try {
            long n = Long.parseLong(raw);
            if (n < min || n > max) {
                errors.add(key + " must be between " + min + " and " + max + ", was " + n);
                return (int) min;
            }
            return (int) n;
        } catch (NumberFormatException e) {
            errors.add(key + " must be a whole number, was '" + raw + "'");
            return (int) min;
        }
    }

    private static boolean bool(Map<String, String> v, String key, List<String> errors) {
        String raw = v.get(key).trim().toLowerCase();
        if (!raw.equals("true") && !raw.equals("false")) errors.add(key + " must be true or false, was '" + raw + "'");
        return raw.equals("true");
    }

    /** The config file's name for a setting: {@code HERALD_HTTP_PORT} is {@code http.port}. */
    public static String fileKey(String envName) {
        return envName.substring("HERALD_".length()).toLowerCase().replace('_', '.');
    }

    /** Config file keys: {@code http.port} style, mapped to {@code HERALD_HTTP_PORT}; env-style keys also work. */
    private static Map<String, String> readFile(Path path, List<String> errors, Map<String, String> names) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read config file " + path + ": " + e.getMessage()));
        }
        Map<String, String> out = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            String key = name.startsWith("HERALD_") ? name
                    : "HERALD_" + name.replace('.', '_').replace('-', '_').toUpperCase();
            if (!DEFAULTS.containsKey(key)) {
                errors.add(path + ": unknown setting '" + name + "'");
            } else {
                out.put(key, p.getProperty(name));
                names.put(key, name);
            }
        }
        return out;
    }

    @Override
    public String toString() { // never print secrets
        return "HeraldConfig[http=" + http.host() + ":" + http.port() + ", dataDir=" + dataDir + ", database=" + database + "]";
    }
}
