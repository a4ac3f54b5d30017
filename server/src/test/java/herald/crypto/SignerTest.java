package herald.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SignerTest {
    @Test
    void signsAsTheStandardWebhooksSpecificationsExample() {
        // The example of the Standard Webhooks specification (and of Svix's libraries' tests).
        assertThat(Signer.standard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsAsGithubsDocumentationsExample() {
        assertThat(Signer.github("It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    /** The keyed Macs are shared: many secrets, signing at once from many threads, each keeps its own key. */
    @Test
    void manySecretsSignedAtOnceEachSignWithTheirOwnKey() throws Exception {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // more than the cache keeps
            byte[] key = new byte[24];
            for (int b = 0; b < key.length; b++) key[b] = (byte) (i * 31 + b);
            secrets.add("whsec_" + Base64.getEncoder().encodeToString(key));
        }
        List<Callable<Boolean>> signings = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < secrets.size(); i++) {
                String secret = secrets.get(i);
                byte[] body = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                signings.add(() -> Signer.standard(secret, "msg_" + body.length, 1700000000L, body)
                        .equals(expected(secret, "msg_" + body.length, 1700000000L, body))
                        && Signer.github(secret, body).startsWith("sha256=")
                        && Signer.verifyStandard(secret, "msg_" + body.length, 1700000000L, body,
                        expected(secret, "msg_" + body.length, 1700000000L, body)));
            }
        }
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> f : pool.invokeAll(signings)) assertThat(f.get()).isTrue();
        }
    }

    /** Computed here with a Mac of its own, keyed afresh. */
    private static String expected(String whsec, String id, long ts, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring(6)), "HmacSHA256"));
        mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }
}
