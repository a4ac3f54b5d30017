package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.crypto.SecretBox;
import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The API's JSON form of a {@link Source}: validation on the way in, the password masked on the way out. */
public final class SourceJson {
    public static final String MASK = SecretBox.MASK;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9_]{0,20}");
    private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,50}");
    private static final Pattern LOG_ID = Pattern.compile("[1-9]\\d{0,17}");

    private SourceJson() {}

    /**
     * Validates {@code in} into a source; a password absent or given as the mask keeps the one of
     * {@code existing} (null on create). Throws a 400 problem naming every bad field.
     */
    public static Source parse(JsonNode in, Source existing) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(in, "", errors);
        f.rejectUnknown("id", "name", "type", "jdbc_url", "user", "password", "table_prefix", "site_url", "start",
                "poll_ms", "grace_s", "batch_size", "enrich", "record_tables", "enabled", "created_at", "updated_at",
                "status");
        String name = f.string("name", true, 100, null);
        if (name != null && !NAME.matcher(name).matches()) {
            errors.add("name", "may contain letters, digits, '.', '_' and '-' and must start with a letter or digit");
        }
        f.oneOf("type", "moodle", "moodle");
        String url = f.string("jdbc_url", true, 2048, null);
        if (url != null) checkJdbcUrl(url, errors);
        String user = f.string("user", false, 200, "");
        String password = f.string("password", false, 4096, null);
        if (password == null || password.equals(MASK)) password = existing == null ? "" : existing.password();
        String prefix = f.string("table_prefix", false, 20, "mdl_");
        if (!PREFIX.matcher(prefix).matches()) errors.add("table_prefix", "may contain lower-case letters, digits and '_'");
        String siteUrl = f.string("site_url", false, 2048, null);
        if (siteUrl != null) checkSiteUrl(siteUrl, errors);
        String start = start(f, errors);
        int pollMs = f.integer("poll_ms", 50, 3_600_000, 1000);
        int graceS = f.integer("grace_s", 0, 7 * 86_400, 300);
        int batchSize = f.integer("batch_size", 1, 10_000, 1000);
        boolean enrich = f.bool("enrich", true);
        List<String> tables = f.strings("record_tables", 100, 51);
        if (tables == null || tables.equals(Records.OLD_DEFAULT_TABLES)) {
            tables = Records.DEFAULT_TABLES;
        } else {
            for (int i = 0; i < tables.size(); i++) {
                if (!tables.get(i).equals(Records.ALL) && !TABLE.matcher(tables.get(i)).matches()) {
                    errors.add("record_tables[" + i + "]", "must be a Moodle table name without prefix, such as course");
                }
            }
        }
        boolean enabled = f.bool("enabled", true);
        errors.throwIfAny();
        return new Source(existing == null ? null : existing.id(), name, url, user, password, prefix, siteUrl, start,
                pollMs, graceS, batchSize, enrich, List.copyOf(tables), enabled,
                existing == null ? 0 : existing.createdAt(), existing == null ? 0 : existing.updatedAt());
    }

    private static String start(JsonFields f, FieldErrors errors) {
        JsonNode v = f.raw("start");
        if (v == null || v.isNull()) return "now";
        String s = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.textValue() : null;
        if (s == null || !(s.equals("now") || s.equals("beginning") || LOG_ID.matcher(s).matches())) {
            errors.add("start", "must be \"now\", \"beginning\" or a log id (a positive whole number)");
            return "now";
        }
        return s;
    }

    static void checkJdbcUrl(String url, FieldErrors errors) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:mariadb://") && !lower.startsWith("jdbc:mysql://")
                && !lower.startsWith("jdbc:postgresql://")) {
            errors.add("jdbc_url", "must start with jdbc:mariadb://, jdbc:mysql:// or jdbc:postgresql://");
        } else if (lower.matches(".*[?&;](password|pass|pwd)=.*")) {
            // Kept out of the URL so that it is stored encrypted and never shown.
            errors.add("jdbc_url", "must not carry the password; give it in password");
        } else if (JdbcUrls.hosts(url).isEmpty()) {
            errors.add("jdbc_url", "is not a URL the database driver can read, or names no host");
        } else {
            int query = lower.indexOf('?');
            for (String pair : query < 0 ? new String[0] : lower.substring(query + 1).split("[&;]")) {
                String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')).strip() : pair.strip();
                if (DRIVER_OPTIONS_REFUSED.contains(key)) {
                    errors.add("jdbc_url", "must not set " + key + ": it would load a class of Herald's machine, or connect"
                            + " by something other than a host");
                    return;
                }
            }
        }
    }

    /**
     * The drivers' options (lower case) that name a class to load, or that reach a database by
     * something other than the hosts checked (a service file, a local socket or pipe). Hosts the
     * options name ({@code ?host=}, {@code PGHOST}) are checked as the driver reads them ({@link JdbcUrls}).
     */
    private static final java.util.Set<String> DRIVER_OPTIONS_REFUSED = java.util.Set.of(
            "service", "socketfactory", "socketfactoryarg", "sslfactory", "sslfactoryarg",
            "sslhostnameverifier", "sslpasswordcallback", "authenticationpluginclassname", "loggerfile",
            "localsocket", "pipe", "sharedmemory", "credentialtype", "codecs");

    private static void checkSiteUrl(String url, FieldErrors errors) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                errors.add("site_url", "must be the site's http or https address ($CFG->wwwroot)");
            }
        } catch (URISyntaxException e) {
            errors.add("site_url", "is not a valid URL: " + e.getReason());
        }
    }

    /** The API view; the password is masked unless {@code revealSecrets} (storage, backups with secrets). */
    public static ObjectNode toJson(Source s, boolean revealSecrets) {
        ObjectNode o = Json.object();
        if (s.id() != null) o.put("id", s.id());
        o.put("name", s.name());
        o.put("type", "moodle");
        o.put("jdbc_url", s.jdbcUrl());
        o.put("user", s.user());
        o.put("password", revealSecrets || s.password().isEmpty() ? s.password() : MASK);
        o.put("table_prefix", s.tablePrefix());
        o.put("site_url", s.siteUrl());
        if (LOG_ID.matcher(s.start()).matches()) o.put("start", Long.parseLong(s.start())); else o.put("start", s.start());
        o.put("poll_ms", s.pollMs());
        o.put("grace_s", s.graceS());
        o.put("batch_size", s.batchSize());
        o.put("enrich", s.enrich());
        var tables = o.putArray("record_tables");
        s.recordTables().forEach(tables::add);
        o.put("enabled", s.enabled());
        if (s.createdAt() > 0) {
            o.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
            o.put("updated_at", Instant.ofEpochMilli(s.updatedAt()).toString());
        }
        return o;
    }
}
