package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundGuardTest {
    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void privateLoopbackAndMetadataAddressesAreRefusedByDefault() throws Exception {
        OutboundGuard guard = new OutboundGuard(List.of());
        for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "224.0.0.1", "100.64.0.1")) {
            assertThat(guard.refusal(ip(a))).as(a).isNotNull();
        }
        assertThat(guard.refusal(ip("93.184.216.34"))).isNull();
        assertThat(guard.refusal(ip("2606:2800:220:1::"))).isNull();
    }

    @Test
    void anOperatorCanAllowRanges() throws Exception {
        OutboundGuard guard = new OutboundGuard(List.of("127.0.0.0/8", "::1/128", "10.5.0.0/16"));
        assertThat(guard.refusal(ip("127.0.0.1"))).isNull();
        assertThat(guard.refusal(ip("::1"))).isNull();
        assertThat(guard.refusal(ip("10.5.9.9"))).isNull();
        assertThat(guard.refusal(ip("::ffff:10.5.9.9"))).isNull();
        assertThat(guard.refusal(ip("10.6.0.1"))).contains("private").contains("HERALD_OUTBOUND_ALLOW");
    }

    @Test
    void badRangesAreRejected() {
        assertThatThrownBy(() -> Cidr.parse("localhost/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
