package herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier against the Standard Webhooks specification's own example. */
class WebhookVerifierTest {
    // from the Standard Webhooks specification (standard-webhooks/standard-webhooks, spec and libraries' tests)
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void theSpecificationsExampleVerifies() throws Exception {
        var v = WebhookVerifier.standard(SECRET).tolerance(Duration.ZERO);
        v.verify(ID, TIMESTAMP, SIGNATURE, PAYLOAD);
        v.verify(ID, TIMESTAMP, "v1,bm9wZQ== " + SIGNATURE, PAYLOAD); // several: any one that matches
        v.verify(Map.of("Webhook-Id", ID, "webhook-timestamp", Long.toString(TIMESTAMP), "WEBHOOK-SIGNATURE", SIGNATURE), PAYLOAD);
    }

    @Test
    void aChangedBodyAWrongSecretOrAnOldTimestampIsRefused() {
        var v = WebhookVerifier.standard(SECRET).tolerance(Duration.ZERO);
        assertThatThrownBy(() -> v.verify(ID, TIMESTAMP, SIGNATURE, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WebhookVerifier.Invalid.class);
        assertThatThrownBy(() -> WebhookVerifier.standard("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]))
                .tolerance(Duration.ZERO).verify(ID, TIMESTAMP, SIGNATURE, PAYLOAD)).isInstanceOf(WebhookVerifier.Invalid.class);
        assertThatThrownBy(() -> WebhookVerifier.standard(SECRET).verify(ID, TIMESTAMP, SIGNATURE, PAYLOAD))
                .isInstanceOf(WebhookVerifier.Invalid.class).hasMessageContaining("webhook-timestamp");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> v.verify(Map.of(), PAYLOAD))).isInstanceOf(WebhookVerifier.Invalid.class);
    }

    @Test
    void githubModeChecksTheHexSignature() throws Exception {
        // HMAC-SHA256("It's a Secret to Everybody", "Hello, World!"), GitHub's documented example
        WebhookVerifier.github("It's a Secret to Everybody").verify(Map.of("X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"), "Hello, World!".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> WebhookVerifier.github("other").verify(Map.of("X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"), "Hello, World!".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WebhookVerifier.Invalid.class);
    }
}
