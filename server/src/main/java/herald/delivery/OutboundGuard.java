package herald.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Refuses outbound calls to loopback, private, link-local (cloud metadata), multicast, unspecified
 * and IPv4-mapped forms of these, unless an operator allowed the range. Checked on the resolved
 * address at connect time, so a DNS name that changes its answer cannot slip through.
 */
public final class OutboundGuard {
    private final List<Cidr> allowed;

    public OutboundGuard(List<String> allowCidrs) {
        this.allowed = allowCidrs.stream().map(Cidr::parse).toList();
    }

    /** Null when the address may be called, otherwise why not. */
    public String refusal(InetAddress address) {
        for (Cidr c : allowed) if (c.contains(address)) return null;
        InetAddress a = unwrapMapped(address);
        for (Cidr c : allowed) if (c.contains(a)) return null;
        String why = classify(a);
        return why == null ? null
                : "refused to connect to " + address.getHostAddress() + " (" + why + "); allow it with HERALD_OUTBOUND_ALLOW";
    }

    private static String classify(InetAddress a) {
        if (a.isLoopbackAddress()) return "loopback";
        if (a.isAnyLocalAddress()) return "unspecified";
        if (a.isLinkLocalAddress()) return "link-local";
        if (a.isSiteLocalAddress()) return "private";
        if (a.isMulticastAddress()) return "multicast";
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xFF, b1 = b[1] & 0xFF;
            if (b0 == 0) return "unspecified";
            if (b0 == 100 && b1 >= 64 && b1 < 128) return "carrier-grade NAT";
            if (b0 == 198 && (b1 == 18 || b1 == 19)) return "benchmarking";
            if (b0 >= 240) return "reserved";
        }
        if (a instanceof Inet6Address && (b[0] & 0xFE) == 0xFC) return "unique local";
        return null;
    }

    /** {@code ::ffff:10.0.0.1} and {@code ::10.0.0.1} are IPv4 addresses in disguise. */
    private static InetAddress unwrapMapped(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a;
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) if (b[i] != 0) return a;
        boolean mapped = (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compat = b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xFF) <= 1);
        if (!mapped && !compat) return a;
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
