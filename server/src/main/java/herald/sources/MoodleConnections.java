package herald.sources;

import herald.outbound.OutboundGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Connections to a source's Moodle database: bounded in time, refused to link-local and metadata hosts. */
final class MoodleConnections {
    private MoodleConnections() {}

    static Connection open(Source source, OutboundGuard guard) throws SQLException {
        String url = source.jdbcUrl();
        Properties p = new Properties();
        if (!source.user().isEmpty()) p.setProperty("user", source.user());
        if (!source.password().isEmpty()) p.setProperty("password", source.password());
        if (url.regionMatches(true, 0, "jdbc:postgresql:", 0, 16)) {
            p.setProperty("connectTimeout", "10"); // seconds
            p.setProperty("socketTimeout", "60");
            p.setProperty("ApplicationName", "herald");
        } else {
            // The MariaDB driver speaks to MySQL too; it accepts the jdbc:mysql: scheme only under another name.
            if (url.regionMatches(true, 0, "jdbc:mysql:", 0, 11)) url = "jdbc:mariadb:" + url.substring(11);
            p.setProperty("connectTimeout", "10000"); // milliseconds
            p.setProperty("socketTimeout", "60000");
        }
        checkHosts(source, guard);
        Connection c = DriverManager.getConnection(url, p);
        c.setAutoCommit(true);
        return c;
    }

    /** Sources are trusted configuration, but none may reach a link-local or cloud metadata address (after DNS). */
    private static void checkHosts(Source source, OutboundGuard guard) throws SQLException {
        for (String host : JdbcUrls.hosts(source.jdbcUrl())) {
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(bare);
            } catch (UnknownHostException e) {
                throw new SourceErrors.Refused("cannot connect to the Moodle database: its host name does not resolve");
            }
            for (InetAddress a : addresses) {
                String why = guard.sourceRefusal(a);
                if (why != null) throw new SourceErrors.Refused(why);
            }
        }
    }
}
