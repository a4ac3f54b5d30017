package herald.sources;

import java.util.ArrayList;
import java.util.List;

/** The hosts a source's JDBC URL names ({@code jdbc:mariadb://h1:3306,h2/db}, {@code jdbc:postgresql://[::1]:5432/db}). */
final class JdbcUrls {
    private JdbcUrls() {}

    static List<String> hosts(String jdbcUrl) {
        List<String> out = new ArrayList<>();
        int start = jdbcUrl.indexOf("//");
        if (start < 0) return out;
        int end = start + 2;
        while (end < jdbcUrl.length() && "/?;".indexOf(jdbcUrl.charAt(end)) < 0) end++;
        String authority = jdbcUrl.substring(start + 2, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) authority = authority.substring(at + 1);
        for (String hostPort : authority.split(",")) {
            String h = hostPort.strip();
            if (h.startsWith("[")) {
                int close = h.indexOf(']');
                out.add(close < 0 ? h : h.substring(0, close + 1));
            } else {
                int colon = h.indexOf(':');
                out.add(colon < 0 ? h : h.substring(0, colon));
            }
        }
        out.removeIf(String::isEmpty);
        return out;
    }
}
