package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReceiverAuthTest {
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("herald:PASS-b4s1c".getBytes(StandardCharsets.UTF_8));

    static Stream<Arguments> schemes() {
        return Stream.of(
                Arguments.of("{\"type\":\"bearer\",\"token\":\"TOKEN-b3ar3r\"}", "Authorization", "Bearer TOKEN-b3ar3r",
                        "Bearer ********", "TOKEN-b3ar3r"),
                Arguments.of("{\"type\":\"api_key\",\"key\":\"KEY-4p1k3y\"}", "X-API-Key", "KEY-4p1k3y", "********", "KEY-4p1k3y"),
                Arguments.of("{\"type\":\"api_key\",\"header\":\"X-Partner-Key\",\"key\":\"KEY-p4rtn3r\"}", "X-Partner-Key",
                        "KEY-p4rtn3r", "********", "KEY-p4rtn3r"),
                Arguments.of("{\"type\":\"basic\",\"username\":\"herald\",\"password\":\"PASS-b4s1c\"}", "Authorization", BASIC,
                        "Basic ********", "PASS-b4s1c"));
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void theReceiverGetsItsCredentialsAndTheyAppearNowhereInTheApi(String auth, String header, String sent, String logged,
                                                                    String secret) {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            ObjectNode service = Json.object();
            service.set("auth", Json.read(auth));
            service.putObject("headers").put("X-Tenant", "t-42").put("X-Session-Token", "HDR-s3ss10n");
            String id = Outbound.subscribeAll(h.api(), receiver.url(), service).get("id").asText();

            var delivery = Outbound.deliverOne(h.api(), "auth-1");
            var got = receiver.received().get(0);
            assertThat(got.header(header)).isEqualTo(sent);
            assertThat(got.header("X-Tenant")).isEqualTo("t-42");
            assertThat(got.header("X-Session-Token")).isEqualTo("HDR-s3ss10n");

            var recorded = delivery.get("attempts").get(0).get("request_headers");
            assertThat(recorded.get(header).asText()).isEqualTo(logged);
            assertThat(recorded.get("X-Tenant").asText()).isEqualTo("t-42");
            assertThat(recorded.get("X-Session-Token").asText()).isEqualTo("********"); // named like a credential
            String basicValue = BASIC.substring(6);
            for (String text : new String[] {delivery.toString(), h.api().get("/api/v1/services/" + id).text(),
                    h.api().get("/api/v1/services").text(), h.api().get("/api/v1/deliveries").text()}) {
                assertThat(text).doesNotContain(secret, basicValue);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aCookieSetByOneResponseIsNotSentWithTheNextDelivery() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.reply(r -> Receiver.Reply.status(200).header("Set-Cookie", "session=RECEIVER-s3t; Path=/"));
            Outbound.subscribeAll(h.api(), receiver.url(), Json.object());

            Outbound.deliverOne(h.api(), "cookie-1");
            Outbound.deliverOne(h.api(), "cookie-2");

            assertThat(receiver.received()).hasSize(2);
            assertThat(receiver.received().get(1).header("Cookie")).isNull();
        }
    }
}
