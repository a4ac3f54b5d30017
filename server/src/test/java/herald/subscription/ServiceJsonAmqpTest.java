package herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import org.junit.jupiter.api.Test;

/** An AMQP URL's credentials become the service's basic auth, decoded as a URL's are (a '+' stays a plus). */
class ServiceJsonAmqpTest {
    @Test
    void credentialsInTheUrlMoveToAuthAndKeepTheirPlus() {
        Service s = ServiceJson.parse(Json.read("{\"name\":\"bus\",\"type\":\"amqp\",\"url\":\"amqp://herald:p%40ss+word@127.0.0.1:5672/lms+vh\"}"),
                null);
        assertThat(s.url()).isEqualTo("amqp://127.0.0.1:5672/lms+vh");
        assertThat(s.auth().type()).isEqualTo("basic");
        assertThat(s.auth().username()).isEqualTo("herald");
        assertThat(s.auth().secret()).isEqualTo("p@ss+word");
        assertThat(s.amqp().routingKey()).isEqualTo("{{name}}");
    }
}
