package herald.net;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host names that are numbers. An IPv4 address has one canonical form, four decimal parts without
 * leading zeros ({@code 127.0.0.1}); the C library also reads octal ({@code 0177.0.0.1}), hex
 * ({@code 0x7f.1}) and short forms ({@code 127.1}, {@code 2130706433}), while Java reads some of
 * them differently or not at all. Such a host means different addresses to different programs, so
 * Herald refuses it rather than guess.
 */
public final class Hosts {
    private static final Pattern NUMBER_PART = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");
    private static final Pattern CANONICAL_PART = Pattern.compile("0|[1-9][0-9]{0,2}");

    private Hosts() {}

    /** Null when {@code host} is a name or a canonical dotted quad; otherwise why it is refused. */
    public static String numericProblem(String host) {
        if (host == null || host.isEmpty()) return null;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) return null;
        for (String p : parts) if (!NUMBER_PART.matcher(p).matches()) return null; // a name
        boolean canonical = parts.length == 4;
        for (String p : parts) {
            if (!CANONICAL_PART.matcher(p).matches() || Integer.parseInt(p) > 255) canonical = false;
        }
        return canonical && !host.endsWith(".") ? null : "'" + host + "' is an IPv4 address in a non-canonical form (octal, hex,"
                + " short or with a trailing dot); write it as four decimal numbers such as 127.0.0.1";
    }
}
