package herald.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostsTest {

    @Test
    void numbersInAnyButTheCanonicalDottedQuadAreRefused() {
        for (String host : new String[] {"0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "2130706433", "127.1", "127.0.1",
                "017700000001", "0x7F.1", "127.0.0.1.", "1.2.3.04", "256.1.1.1", "0"}) {
            assertThat(Hosts.numericProblem(host)).as(host).isNotNull().contains("non-canonical");
        }
    }

    @Test
    void namesAndCanonicalAddressesPass() {
        for (String host : new String[] {"127.0.0.1", "10.0.0.255", "0.0.0.0", "crm.example", "1e100.net", "0x.example",
                "a.0177.example", "::1", "[::1]", "123.example"}) {
            assertThat(Hosts.numericProblem(host)).as(host).isNull();
        }
    }
}
