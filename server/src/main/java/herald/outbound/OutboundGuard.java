package herald.outbound;

import herald.net.Cidr;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Refuses outbound calls to addresses inside the network Herald runs in: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), multicast, unspecified, carrier-grade NAT and other
 * special ranges, and IPv6 forms that carry such an IPv4 address (mapped, compatible, translated,
 * NAT64, 6to4, Teredo), unless an operator allowed the range. Checked on the resolved address at
 * connect time, so a DNS name that changes its answer (rebinding) cannot slip through.
 */
public final class OutboundGuard {
    private record Range(Cidr cidr, String why) {
        Range(String cidr, String why) {
            this(Cidr.parse(cidr), why);
        }
    }

    private static final List<Range> FORBIDDEN = List.of(
            new Range("0.0.0.0/8", "unspecified"),
            new Range("10.0.0.0/8", "private"),
            new Range("100.64.0.0/10", "carrier-grade NAT"),
            new Range("127.0.0.0/8", "loopback"),
            new Range("169.254.0.0/16", "link-local, cloud metadata"),
            new Range("172.16.0.0/12", "private"),
            new Range("192.0.0.0/24", "IETF protocol assignments"),
            new Range("192.0.2.0/24", "documentation"),
            new Range("192.88.99.0/24", "6to4 relay anycast"),
            new Range("192.168.0.0/16", "private"),
            new Range("198.18.0.0/15", "benchmarking"),
            new Range("198.51.100.0/24", "documentation"),
            new Range("203.0.113.0/24", "documentation"),
            new Range("224.0.0.0/4", "multicast"),
            new Range("240.0.0.0/4", "reserved or broadcast"),
            new Range("::/128", "unspecified"),
            new Range("::1/128", "loopback"),
            new Range("64:ff9b:1::/48", "local-use NAT64"),
            new Range("100::/64", "discard-only"),
            new Range("2001:db8::/32", "documentation"),
            new Range("fc00::/7", "unique local"),
            new Range("fe80::/10", "link-local"),
            new Range("fec0::/10", "site-local"),
            new Range("ff00::/8", "multicast"));

    /**
     * What a source (an LMS database) may not reach even though sources are trusted configuration:
     * link-local ranges, where cloud providers answer metadata (credentials) requests.
     */
    private static final List<Range> METADATA = List.of(
            new Range("169.254.0.0/16", "link-local, cloud metadata"),
            new Range("100.100.100.200/32", "cloud metadata"),
            new Range("fe80::/10", "link-local"),
            new Range("fd00:ec2::254/128", "cloud metadata"));
    private static final java.util.Set<String> METADATA_NAMES = java.util.Set.of("metadata", "metadata.google.internal",
            "metadata.goog", "instance-data", "instance-data.ec2.internal");

    private final List<Cidr> allowed;

    public OutboundGuard(List<String> allowCidrs) {
        this.allowed = allowCidrs.stream().map(Cidr::parse).toList();
    }

    /** Null when the address may be called, otherwise why not. */
    public String refusal(InetAddress address) {
        if (isAllowed(address)) return null;
        String why = classify(address);
        Embedded embedded = embeddedIpv4(address);
        if (why == null && embedded != null) {
            if (isAllowed(embedded.address())) return null;
            String inner = classify(embedded.address());
            if (inner != null) why = inner + ": " + embedded.address().getHostAddress() + " in " + embedded.form();
        }
        return why == null ? null
                : "refused to connect to " + address.getHostAddress() + " (" + why + "); allow it with HERALD_OUTBOUND_ALLOW";
    }

    /**
     * Null when a service URL may be saved, otherwise why not: its host is a literal address (or
     * {@code localhost}) that {@link #refusal} refuses. Names are not resolved here; they are checked
     * when a delivery connects.
     */
    public String urlRefusal(String url) {
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            return null; // the URL's own validation reports it
        }
        if (host == null) return null;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (h.equals("localhost") || h.endsWith(".localhost")) { // RFC 6761: always loopback
            String v4 = refusal(literal("127.0.0.1")), v6 = refusal(literal("[::1]"));
            return v4 != null && v6 != null ? v4.replace("127.0.0.1", host) : null;
        }
        if (h.startsWith("[")) {
            InetAddress a = literal(h);
            return a == null ? "'" + host + "' is not a valid IPv6 address" : refusal(a);
        }
        if (h.matches("[0-9.]+")) {
            // 0177.0.0.1 is 127.0.0.1 to some parsers: only the plain dotted quad is accepted.
            InetAddress a = literal(h);
            return a == null ? "a numeric host must be a dotted-quad IPv4 address" : refusal(a);
        }
        return null;
    }

    /**
     * Null when a source's database may be reached at {@code address}, otherwise why not. Sources
     * are trusted configuration and usually sit on a private network or this machine, so only
     * link-local and metadata addresses are refused (unless allowed), after DNS.
     */
    public String sourceRefusal(InetAddress address) {
        if (isAllowed(address)) return null;
        for (Range r : METADATA) {
            if (r.cidr().contains(address)) {
                return "refused to connect to " + address.getHostAddress() + " (" + r.why() + "); allow it with HERALD_OUTBOUND_ALLOW";
            }
        }
        return null;
    }

    /** Null when a source's host (as written in its JDBC URL) may be saved; a metadata name or literal is refused. */
    public String sourceHostRefusal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (METADATA_NAMES.contains(h)) return "'" + host + "' names a cloud metadata service";
        InetAddress literal = literal(h);
        return literal == null ? null : sourceRefusal(literal);
    }

    private boolean isAllowed(InetAddress a) {
        for (Cidr c : allowed) if (c.contains(a)) return true;
        return false;
    }

    private static String classify(InetAddress a) {
        for (Range r : FORBIDDEN) if (r.cidr().contains(a)) return r.why();
        return null;
    }

    private record Embedded(InetAddress address, String form) {}

    /** The IPv4 address an IPv6 address carries, in the forms that route to it; null for none. */
    private static Embedded embeddedIpv4(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 16) return null;
        if (zero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) return v4(b, 12, 0, "IPv4-mapped IPv6");
        if (zero(b, 0, 12) && !zero(b, 12, 15)) return v4(b, 12, 0, "IPv4-compatible IPv6"); // not :: or ::1
        if (zero(b, 0, 8) && (b[8] & 0xFF) == 0xFF && (b[9] & 0xFF) == 0xFF && zero(b, 10, 12)) {
            return v4(b, 12, 0, "IPv4-translated IPv6");
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B && zero(b, 4, 12)) {
            return v4(b, 12, 0, "NAT64 64:ff9b::/96");
        }
        if (b[0] == 0x20 && b[1] == 0x02) return v4(b, 2, 0, "6to4 2002::/16");
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return v4(b, 12, 0xFF, "Teredo 2001::/32");
        return null;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static Embedded v4(byte[] b, int at, int xor, String form) {
        byte[] v4 = new byte[4];
        for (int i = 0; i < 4; i++) v4[i] = (byte) (b[at + i] ^ xor);
        try {
            return new Embedded(InetAddress.getByAddress(v4), form);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** A dotted-quad IPv4 or bracketed IPv6 literal, parsed without any lookup; null when it is not one. */
    private static InetAddress literal(String text) {
        try {
            if (text.startsWith("[")) {
                // A bracketed text is never looked up: it is an IPv6 literal or an error.
                return text.endsWith("]") && text.matches("\\[[0-9a-fA-F:.]+]") ? InetAddress.getByName(text) : null;
            }
            if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return null;
            String[] parts = text.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int n = Integer.parseInt(parts[i]);
                if (n > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) return null; // 0177 may mean 127
                b[i] = (byte) n;
            }
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
