package herald.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The virtual host is the URL's one path segment, percent-decoded: none and {@code %2F} are RabbitMQ's "/", a '+' stays a plus. */
class AmqpConnectionsTest {
    @Test
    void virtualHosts() {
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1"))).isEqualTo("/");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/"))).isEqualTo("/");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/%2F"))).isEqualTo("/");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/lms+vh"))).isEqualTo("lms+vh");
        assertThat(AmqpConnections.virtualHost(URI.create("amqp://127.0.0.1/a%20b"))).isEqualTo("a b");
    }
}
