package herald.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import herald.net.Cidr;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundGuardTest {
    private final OutboundGuard strict = new OutboundGuard(List.of());

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // literals only: no lookup
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, loopback", "127.255.255.254, loopback", "::1, loopback",
            "10.0.0.1, private", "10.255.255.255, private", "172.16.0.1, private", "172.31.255.254, private",
            "192.168.0.1, private", "192.168.255.255, private",
            "169.254.169.254, link-local", "169.254.0.1, link-local", "fe80::1, link-local", "febf::1, link-local",
            "fc00::1, unique local", "fd12:3456::1, unique local",
            "224.0.0.1, multicast", "239.255.255.250, multicast", "ff02::1, multicast", "ff0e::1, multicast",
            "0.0.0.0, unspecified", "0.1.2.3, unspecified", "::, unspecified",
            "100.64.0.1, carrier-grade NAT", "100.127.255.254, carrier-grade NAT",
            "255.255.255.255, broadcast", "240.0.0.1, reserved",
            "198.18.0.1, benchmarking", "192.0.2.1, documentation", "2001:db8::1, documentation",
            "fec0::1, site-local", "64:ff9b:1::1, local-use NAT64"})
    void everySpecialRangeIsRefusedByDefault(String address, String reason) throws Exception {
        assertThat(strict.refusal(ip(address))).as(address)
                .contains("refused to connect to").contains(reason).contains("HERALD_OUTBOUND_ALLOW");
    }

    @ParameterizedTest
    @CsvSource({
            "::ffff:127.0.0.1, loopback", "::ffff:10.0.0.1, private", "::ffff:169.254.169.254, link-local",
            "::127.0.0.1, IPv4-compatible", "::10.1.2.3, IPv4-compatible", "::ffff:0:192.168.1.1, IPv4-translated",
            "64:ff9b::7f00:1, NAT64", "64:ff9b::a9fe:a9fe, NAT64", "64:ff9b::a00:1, NAT64",
            "2002:7f00:1::, 6to4", "2002:a9fe:a9fe::1, 6to4", "2002:c0a8:101::1, 6to4",
            "2001:0:4136:e378:8000:63bf:80ff:fffe, Teredo"})
    void ipv6FormsCarryingAForbiddenIpv4AddressAreRefused(String address, String form) throws Exception {
        String why = strict.refusal(ip(address));
        assertThat(why).as(address).isNotNull();
        if (ip(address).getAddress().length == 16) assertThat(why).contains(form); // Java turns ::ffff:a.b.c.d into IPv4
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "192.169.0.1", "2606:2800:220:1::",
            "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1", "2001:4860:4860::8888"})
    void publicAddressesMayBeCalled(String address) throws Exception {
        assertThat(strict.refusal(ip(address))).as(address).isNull();
    }

    @Test
    void anOperatorCanAllowRanges() throws Exception {
        OutboundGuard guard = new OutboundGuard(List.of("127.0.0.0/8", "::1/128", "10.5.0.0/16"));
        assertThat(guard.refusal(ip("127.0.0.1"))).isNull();
        assertThat(guard.refusal(ip("::1"))).isNull();
        assertThat(guard.refusal(ip("10.5.9.9"))).isNull();
        assertThat(guard.refusal(ip("::ffff:10.5.9.9"))).isNull();
        assertThat(guard.refusal(ip("64:ff9b::a05:909"))).isNull(); // NAT64 of 10.5.9.9
        assertThat(guard.refusal(ip("10.6.0.1"))).contains("private").contains("HERALD_OUTBOUND_ALLOW");
        assertThat(guard.refusal(ip("169.254.169.254"))).contains("link-local");
    }

    @Test
    void urlsWithALiteralForbiddenHostAreFlaggedButNamesAreLeftToConnectTime() {
        for (String url : List.of("http://127.0.0.1/", "https://10.0.0.8:8443/x", "http://169.254.169.254/latest/meta-data",
                "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/", "http://localhost:9000/",
                "http://api.localhost/", "http://localhost./")) {
            assertThat(strict.urlRefusal(url)).as(url).isNotNull();
        }
        // Leading zeros read as octal elsewhere (0177 = 127): only plain dotted quads are accepted.
        assertThat(strict.urlRefusal("http://127.000.000.001/")).contains("dotted-quad");
        for (String url : List.of("https://crm.example/hook", "http://93.184.216.34/", "http://[2606:2800:220:1::]/",
                "https://metadata.internal.example/")) {
            assertThat(strict.urlRefusal(url)).as(url).isNull();
        }
        assertThat(new OutboundGuard(List.of("127.0.0.0/8")).urlRefusal("http://localhost:9000/")).isNull();
    }

    @Test
    void badRangesAreRejected() {
        assertThatThrownBy(() -> Cidr.parse("localhost/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
