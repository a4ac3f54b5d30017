package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import herald.testing.TestNames;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefusedAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::ffff:127.0.0.1]", "localhost"})
    void withoutTheAllowListALoopbackReceiverIsNeverCalledAndTheAttemptSaysWhy(String host) {
        // The allow list the other tests use is emptied: loopback is forbidden again.
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_OUTBOUND_ALLOW", ""));
             Receiver receiver = new Receiver()) {
            String url = "http://" + host + ":" + URI.create(receiver.url()).getPort() + "/hook";
            var svc = Outbound.subscribeAll(h.api(), url, Json.object());
            // Saved (the allow list may change), with a warning naming the field.
            assertThat(svc.get("warnings").get(0).get("field").asText()).isEqualTo("url");
            assertThat(svc.get("warnings").get(0).get("message").asText()).contains("loopback", "HERALD_OUTBOUND_ALLOW");
            assertThat(h.api().get("/api/v1/services/" + svc.get("id").asText()).json().get("warnings")).hasSize(1);

            var attempt = Outbound.deliverOne(h.api(), "ssrf-1").get("attempts").get(0);
            assertThat(attempt.get("error_kind").asText()).isEqualTo("refused_address");
            assertThat(attempt.get("error").asText()).contains("refused to connect to", "loopback", "HERALD_OUTBOUND_ALLOW");
            assertThat(attempt.get("status_code").isNull()).isTrue();
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void aNameIsCheckedOnTheAddressItResolvesToWhenConnecting() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_OUTBOUND_ALLOW", ""));
             Receiver receiver = new Receiver()) {
            String url = "http://crm" + TestNames.LOOPBACK_SUFFIX + ":" + URI.create(receiver.url()).getPort() + "/hook";
            var svc = Outbound.subscribeAll(h.api(), url, Json.object());
            assertThat(svc.has("warnings")).isFalse(); // a name is not resolved when saved
            var attempt = Outbound.deliverOne(h.api(), "rebind-1").get("attempts").get(0);
            assertThat(attempt.get("error_kind").asText()).isEqualTo("refused_address");
            assertThat(attempt.get("error").asText()).contains("127.0.0.1", "loopback");
            assertThat(receiver.received()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "crm" + TestNames.LOOPBACK_SUFFIX})
    void theAllowListLetsAnOperatorReachALocalReceiver(String host) {
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8,::1/128"));
             Receiver receiver = new Receiver()) {
            String url = "http://" + host + ":" + URI.create(receiver.url()).getPort() + "/hook";
            var svc = Outbound.subscribeAll(h.api(), url, Json.object());
            assertThat(svc.has("warnings")).isFalse();
            assertThat(Outbound.deliverOne(h.api(), "ok-1").get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);
        }
    }
}
