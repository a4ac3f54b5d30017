package herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Moodle-like database on the real local MariaDB (127.0.0.1:3306, root, no password;
 * {@code HERALD_TEST_MARIADB} for another) or PostgreSQL, named {@code moodle_<random>}, with the
 * standard log table from the Moodle 4.3 fixtures' DDL. Fails loudly when the server is absent:
 * {@code .ci/run} starts or installs both.
 */
public final class MoodleDb implements AutoCloseable {
    public enum Kind { MARIADB, POSTGRES }

    public static final String MARIADB = System.getenv().getOrDefault("HERALD_TEST_MARIADB", "jdbc:mariadb://127.0.0.1:3306/");
    public static final Path FIXTURES = Path.of(System.getProperty("herald.fixtures", "../shared/fixtures"), "moodle-4.3");

    private final Kind kind;
    private final String name;

    private MoodleDb(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    public static MoodleDb create(Kind kind) {
        String name = "moodle_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = kind == Kind.MARIADB ? DriverManager.getConnection(MARIADB + "?user=root")
                : DriverManager.getConnection(Postgres.SERVER + "postgres?user=" + Postgres.USER);
             Statement s = c.createStatement()) {
            s.execute(kind == Kind.MARIADB ? "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                    : "CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(kind + " is needed for the Moodle source tests (" + e.getMessage()
                    + "): .ci/run starts it", e);
        }
        MoodleDb db = new MoodleDb(kind, name);
        db.createLogTable("mdl_");
        return db;
    }

    public Kind kind() {
        return kind;
    }

    /** The URL a source is given (credentials separately: {@link #user()}). */
    public String jdbcUrl() {
        return kind == Kind.MARIADB ? MARIADB + name : Postgres.SERVER + name;
    }

    public String user() {
        return kind == Kind.MARIADB ? "root" : Postgres.USER;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "?user=" + user());
    }

    /** The fixture's log table under {@code prefix}, as the DDL of the fixtures defines it. */
    public void createLogTable(String prefix) {
        String file = kind == Kind.MARIADB ? "mysql-mariadb-mdl_logstore_standard_log.sql" : "postgresql-mdl_logstore_standard_log.sql";
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : read(FIXTURES.resolve("ddl").resolve(file)).split("\n")) {
            if (line.startsWith("--") || line.startsWith("\\") || line.isBlank()) continue;
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                statements.add(current.toString().trim().replaceAll(";$", ""));
                current.setLength(0);
            }
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                // pg_dump's session settings (an empty search_path) and the dump's owner do not apply here.
                if (sql.startsWith("SET ") || sql.startsWith("SELECT pg_catalog") || sql.contains("OWNER TO")) continue;
                s.execute(sql.replace("public.", "").replace("mdl_logstore_standard_log", prefix + "logstore_standard_log")
                        .replace("mdl_logsstanlog", prefix + "logsstanlog"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the log table: " + e.getMessage(), e);
        }
    }

    /** The fixture rows (ids 41..282), in id order. */
    public static List<JsonNode> fixtureRows() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : read(FIXTURES.resolve("logstore_standard_log.jsonl")).split("\n")) {
            if (!line.isBlank()) out.add(Json.read(line));
        }
        return out;
    }

    /** Inserts the fixture rows with their ids. */
    public void loadLogRows() throws SQLException {
        try (Connection c = connect()) {
            insertRows(c, "mdl_logstore_standard_log", fixtureRows());
            if (kind == Kind.POSTGRES) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT setval('mdl_logstore_standard_log_id_seq', (SELECT MAX(id) FROM mdl_logstore_standard_log))");
                }
            }
        }
    }

    /** Creates and fills {@code mdl_<table>} for every file in the fixtures' objects/ (column types inferred). */
    public void loadObjects() throws SQLException, IOException {
        try (Connection c = connect(); var files = Files.list(FIXTURES.resolve("objects"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                String table = "mdl_" + f.getFileName().toString().replace(".jsonl", "");
                List<JsonNode> rows = new ArrayList<>();
                for (String line : Files.readString(f).split("\n")) if (!line.isBlank()) rows.add(Json.read(line));
                Map<String, String> columns = new LinkedHashMap<>();
                for (JsonNode r : rows) {
                    r.properties().forEach(e -> columns.merge(e.getKey(), type(e.getValue()), MoodleDb::wider));
                }
                StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (");
                columns.forEach((col, type) -> ddl.append(quote(col)).append(' ').append(sqlType(type))
                        .append(col.equals("id") ? " PRIMARY KEY" : "").append(", "));
                ddl.setLength(ddl.length() - 2);
                try (Statement s = c.createStatement()) {
                    s.execute(ddl.append(")").toString());
                }
                insertRows(c, table, rows);
            }
        }
    }

    private static String type(JsonNode v) {
        if (v.isNull()) return "null";
        if (v.isIntegralNumber()) return "int";
        if (v.isNumber()) return "decimal";
        return "text";
    }

    private static String wider(String a, String b) {
        if (a.equals(b) || b.equals("null")) return a;
        if (a.equals("null")) return b;
        if (a.equals("text") || b.equals("text")) return "text";
        return "decimal";
    }

    private String sqlType(String type) {
        return switch (type) {
            case "int" -> "BIGINT";
            case "decimal" -> "DECIMAL(20,5)";
            default -> kind == Kind.MARIADB ? "LONGTEXT" : "TEXT";
        };
    }

    private String quote(String column) {
        return kind == Kind.MARIADB ? "`" + column + "`" : "\"" + column + "\"";
    }

    /** Inserts JSON rows, converting each value to its column's type. */
    public void insertRows(Connection c, String table, List<JsonNode> rows) throws SQLException {
        if (rows.isEmpty()) return;
        List<String> cols = new ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(cols::add);
        Map<String, Integer> types = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1=0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) types.put(md.getColumnLabel(i).toLowerCase(), md.getColumnType(i));
        }
        String sql = "INSERT INTO " + table + " (" + String.join(",", cols.stream().map(this::quote).toList())
                + ") VALUES (" + String.join(",", cols.stream().map(x -> "?").toList()) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (JsonNode r : rows) {
                for (int i = 0; i < cols.size(); i++) {
                    JsonNode v = r.get(cols.get(i));
                    int t = types.get(cols.get(i));
                    if (v == null || v.isNull()) ps.setNull(i + 1, t);
                    else if (t == Types.DECIMAL || t == Types.NUMERIC) ps.setBigDecimal(i + 1, new BigDecimal(v.asText()));
                    else if (v.isNumber()) ps.setLong(i + 1, v.asLong());
                    else ps.setString(i + 1, v.asText());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Inserts one synthetic log row (a course_viewed) on {@code c} and returns its id; commits if c does. */
    public static long insertLogRow(Connection c, String prefix, long courseId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "logstore_standard_log (eventname,"
                + " component, action, target, objecttable, objectid, crud, edulevel, contextid, contextlevel,"
                + " contextinstanceid, userid, courseid, relateduserid, anonymous, other, timecreated, origin, ip,"
                + " realuserid) VALUES (?, 'core', 'viewed', 'course', NULL, NULL, 'r', 2,"
                + " 30, 50, ?, 2, ?, NULL, 0, '{\"coursesection\":1}', ?, 'web', '127.0.0.1', NULL)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "\\core\\event\\course_viewed");
            ps.setLong(2, courseId);
            ps.setLong(3, courseId);
            ps.setLong(4, System.currentTimeMillis() / 1000);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * A login that may only SELECT {@code tables} (with prefix), created as docs/moodle.md says.
     * Dropped by {@link #close()}.
     */
    public void createReadOnlyUser(String user, String password, List<String> tables) throws SQLException {
        readOnlyUsers.add(user);
        try (Connection c = kind == Kind.MARIADB ? DriverManager.getConnection(MARIADB + "?user=root") : connect();
             Statement s = c.createStatement()) {
            if (kind == Kind.MARIADB) {
                s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
                for (String t : tables) s.execute("GRANT SELECT ON " + name + "." + t + " TO '" + user + "'@'%'");
            } else {
                s.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
                s.execute("GRANT CONNECT ON DATABASE " + name + " TO " + user);
                s.execute("GRANT USAGE ON SCHEMA public TO " + user);
                s.execute("GRANT SELECT ON " + String.join(", ", tables) + " TO " + user);
                s.execute("ALTER ROLE " + user + " SET default_transaction_read_only = on");
            }
        }
    }

    private final List<String> readOnlyUsers = new ArrayList<>();

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture missing: " + p, e);
        }
    }

    @Override
    public void close() {
        try (Connection c = kind == Kind.MARIADB ? DriverManager.getConnection(MARIADB + "?user=root")
                : DriverManager.getConnection(Postgres.SERVER + "postgres?user=" + Postgres.USER);
             Statement s = c.createStatement()) {
            s.execute(kind == Kind.MARIADB ? "DROP DATABASE IF EXISTS " + name : "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            for (String user : readOnlyUsers) {
                s.execute(kind == Kind.MARIADB ? "DROP USER IF EXISTS '" + user + "'@'%'" : "DROP ROLE IF EXISTS " + user);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop " + name, e);
        }
    }
}
