package herald.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class AmqpConnectionsTest {
    /** The virtual host is the URL's one path segment, percent-decoded: none and {@code %2F} are RabbitMQ's "/", a '+' stays a plus. */
    @Test
    void virtualHosts() {
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1"))).isEqualTo("/");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/"))).isEqualTo("/");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/%2F"))).isEqualTo("/");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/lms+vh"))).isEqualTo("lms+vh");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/a%20b"))).isEqualTo("a b");
    }

    /**
     * The client makes its socket address from the broker's address when it connects; that must be
     * the checked address, with no lookup of the name (which DNS could answer otherwise the second
     * time), and still carry the name for TLS. {@code .invalid} never resolves: a lookup would leave it unresolved.
     */
    @Test
    void theBrokersAddressIsTheCheckedOneAndKeepsItsName() throws Exception {
        InetAddress checked = InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7});
        List<Address> addresses = AmqpConnections.pinned("broker.invalid", 5671, checked).getAddresses();
        assertThat(addresses).hasSize(1);
        assertThat(addresses.get(0).getHost()).isEqualTo("broker.invalid");
        InetSocketAddress socket = addresses.get(0).toInetSocketAddress(5671);
        assertThat(socket.isUnresolved()).isFalse();
        assertThat(socket.getAddress().getAddress()).isEqualTo(checked.getAddress());
        assertThat(socket.getHostString()).isEqualTo("broker.invalid");
        assertThat(socket.getPort()).isEqualTo(5671);
    }
}
