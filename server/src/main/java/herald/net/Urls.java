package herald.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A service's URL joined with a subscription's path, as a URL and not as text: the path adds
 * segments (and a query) below the service's URL and can never change its scheme, host, port or
 * credentials. Concatenated as text, {@code @127.0.0.1:9/} after {@code https://crm.example} named
 * another host.
 */
public final class Urls {
    public static final int MAX_PATH = 1000;
    /** RFC 3986 path and query characters, without {@code @} (it names a user in front of a host). */
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:/?%]*");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:");
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private Urls() {}

    /** Null when {@code path} may follow a service's URL, otherwise why not. */
    public static String pathProblem(String path) {
        if (path.isEmpty()) return null;
        if (path.length() > MAX_PATH) return "must be at most " + MAX_PATH + " characters";
        if (path.indexOf('@') >= 0) return "must not contain '@'";
        if (path.indexOf('#') >= 0) return "must not contain a fragment ('#')";
        if (!ALLOWED.matcher(path).matches()) {
            return "may contain only URL path and query characters (no spaces, line breaks or '\\\\'; percent-encode others)";
        }
        if (BAD_ESCAPE.matcher(path).find()) return "has a '%' that is not followed by two hex digits";
        if (path.startsWith("//")) return "must not start with '//' (that names a host)";
        if (SCHEME.matcher(path).find()) return "must be a path below the service's URL, not a URL of its own";
        int q = path.indexOf('?');
        String segments = q < 0 ? path : path.substring(0, q);
        for (String segment : segments.split("/", -1)) {
            String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (s.equals(".") || s.equals("..")) return "must not have '.' or '..' segments";
        }
        return null;
    }

    /**
     * {@code base} with {@code path} below it: the path's segments after the base's path (one
     * {@code /} between them), its query after the base's query. Throws
     * {@link IllegalArgumentException} with the reason when either cannot be used.
     */
    public static String join(String base, String path) {
        if (path.isEmpty()) return base; // the service's own URL, checked when it was saved
        String problem = pathProblem(path);
        if (problem != null) throw new IllegalArgumentException("path " + problem);
        URI b;
        try {
            b = new URI(base);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the service URL is not valid: " + e.getReason());
        }
        int q = path.indexOf('?');
        String addPath = q < 0 ? path : path.substring(0, q);
        String addQuery = q < 0 ? null : path.substring(q + 1);
        String basePath = b.getRawPath() == null ? "" : b.getRawPath();
        String joined = basePath;
        if (!addPath.isEmpty()) {
            boolean slashBase = basePath.endsWith("/");
            boolean slashPath = addPath.startsWith("/");
            joined = slashBase && slashPath ? basePath + addPath.substring(1)
                    : slashBase || slashPath ? basePath + addPath : basePath + "/" + addPath;
        }
        String query = b.getRawQuery();
        if (addQuery != null && !addQuery.isEmpty()) query = query == null || query.isEmpty() ? addQuery : query + "&" + addQuery;
        StringBuilder out = new StringBuilder();
        out.append(b.getScheme()).append("://").append(b.getRawAuthority()).append(joined);
        if (query != null) out.append('?').append(query);
        URI result;
        try {
            result = new URI(out.toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the joined URL is not valid: " + e.getReason());
        }
        // The authority is copied as it was; this only guards against a parser reading it otherwise.
        if (!b.getScheme().equalsIgnoreCase(result.getScheme()) || !String.valueOf(b.getRawAuthority()).equals(result.getRawAuthority())) {
            throw new IllegalArgumentException("the path would change the URL's host");
        }
        return out.toString();
    }
}
