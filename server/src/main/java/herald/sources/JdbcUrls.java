package herald.sources;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The hosts a source's JDBC URL makes its driver connect to, as the driver itself reads the URL:
 * pgjdbc takes hosts from options ({@code ?host=}, {@code PGHOST}) over the authority, and both
 * drivers split the authority their own way ({@code h1;,h2}), so a reading of our own would check
 * other hosts than those the driver reaches. Empty when the driver cannot read the URL.
 */
final class JdbcUrls {
    private JdbcUrls() {}

    static List<String> hosts(String jdbcUrl) {
        List<String> out = new ArrayList<>();
        if (jdbcUrl.regionMatches(true, 0, "jdbc:postgresql:", 0, 16)) {
            Properties p = org.postgresql.Driver.parseURL(jdbcUrl, null);
            if (p == null) return out;
            for (String h : p.getProperty("PGHOST", "localhost").split(",")) if (!h.isBlank()) out.add(h.strip());
            return out;
        }
        String url = jdbcUrl.regionMatches(true, 0, "jdbc:mysql:", 0, 11) ? "jdbc:mariadb:" + jdbcUrl.substring(11) : jdbcUrl;
        try {
            org.mariadb.jdbc.Configuration conf = org.mariadb.jdbc.Configuration.parse(url);
            if (conf == null) return out;
            for (org.mariadb.jdbc.HostAddress a : conf.addresses()) {
                if (a.host == null || a.host.isBlank()) return new ArrayList<>(); // a pipe or a local socket: not a host to check
                out.add(a.host.strip());
            }
        } catch (SQLException | RuntimeException unreadable) {
            return new ArrayList<>();
        }
        return out;
    }
}
