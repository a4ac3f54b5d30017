package herald.rendering;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the URL of the site an event came from, from the event's {@code source}. The default takes
 * the source itself when it is an http(s) URL; Moodle sources can plug in a locator that maps
 * their source ids to their {@code site_url}.
 */
@FunctionalInterface
public interface SiteLocator {
    Optional<String> siteUrl(String eventSource);

    SiteLocator SOURCE_URL = source -> {
        if (source == null) return Optional.empty();
        String lower = source.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") ? Optional.of(source) : Optional.empty();
    };

    /** This locator, and {@code next} for the sources it does not know (e.g. Moodle sources, then {@link #SOURCE_URL}). */
    default SiteLocator orElse(SiteLocator next) {
        return source -> {
            Optional<String> url = siteUrl(source);
            return url.isPresent() ? url : next.siteUrl(source);
        };
    }

    /** The host name of a URL: no scheme, port or path; "" when there is none. */
    static String host(String url) {
        if (url == null || url.isBlank()) return "";
        try {
            String h = URI.create(url.strip()).getHost();
            return h == null ? "" : h; // an IPv6 literal keeps its brackets, as PHP's parse_url gives it
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
