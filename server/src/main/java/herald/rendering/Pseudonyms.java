package herald.rendering;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pseudonyms for learner data: {@code psn_} and 24 hex digits of HMAC-SHA256 over the value, with a
 * key of each service's own (derived from Herald's pseudonym key and the service id). The same value
 * has the same pseudonym in every event to one service, so a receiver can still tell one learner's
 * events apart, and a different one at every other service, so two receivers cannot join their
 * data on it. Without the key the value cannot be recovered or checked against a guess.
 */
public final class Pseudonyms {
    static final String PREFIX = "psn_";
    private final byte[] key;
    private final Map<String, byte[]> perService = new ConcurrentHashMap<>();

    /** {@code key}: 32 bytes kept like every secret (derived from the master key in production). */
    public Pseudonyms(byte[] key) {
        this.key = key.clone();
    }

    /** A key of its own, for renderers built without Herald's (tests, previews of nothing stored). */
    public static Pseudonyms random() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new Pseudonyms(k);
    }

    /** The pseudonym of {@code value} for the service {@code serviceId}. */
    public String of(String serviceId, String value) {
        byte[] k = perService.computeIfAbsent(serviceId == null ? "" : serviceId, id -> hmac(key, id));
        byte[] h = hmac(k, value);
        return PREFIX + HexFormat.of().formatHex(h, 0, 12);
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
