package herald.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks signatures ({@code v1,<base64 HMAC-SHA256(id.timestamp.body)>}) and GitHub's. */
public final class Signer {
    private Signer() {}

    public static String standard(String whsecSecret, String msgId, long timestampSeconds, byte[] body) {
        byte[] prefix = (msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        Mac mac = hmac("standard " + whsecSecret,
                () -> Base64.getDecoder().decode(whsecSecret.startsWith("whsec_") ? whsecSecret.substring(6) : whsecSecret));
        mac.update(prefix);
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    public static String github(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac("github " + secret, () -> secret.getBytes(StandardCharsets.UTF_8)).doFinal(body));
    }

    /**
     * Whether {@code signatureHeader} (a Standard Webhooks {@code webhook-signature}: one or more
     * space-separated {@code v1,<base64>}) holds a signature of {@code payload} by {@code whsecSecret}.
     * Compared in constant time.
     */
    public static boolean verifyStandard(String whsecSecret, String msgId, long timestampSeconds, byte[] payload,
                                         String signatureHeader) {
        byte[] expected = standard(whsecSecret, msgId, timestampSeconds, payload).getBytes(StandardCharsets.US_ASCII);
        for (String candidate : signatureHeader.trim().split(" +")) {
            if (java.security.MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) return true;
        }
        return false;
    }

    /** Whether {@code header} (GitHub's {@code X-Hub-Signature-256}, values comma-separated) signs {@code payload}. */
    public static boolean verifyGithub(String secret, byte[] payload, String header) {
        byte[] expected = github(secret, payload).getBytes(StandardCharsets.US_ASCII);
        for (String candidate : header.trim().split(",")) {
            if (java.security.MessageDigest.isEqual(expected, candidate.trim().getBytes(StandardCharsets.US_ASCII))) return true;
        }
        return false;
    }

    /**
     * A Mac keyed with each secret, copied for each signature: looking one up and keying it cost half
     * of the signature's time, once per delivery. Bounded: emptied when it holds too many keys.
     */
    private static final Map<String, Mac> KEYED = new ConcurrentHashMap<>();
    private static final int MAX_KEYED = 256;

    /** {@code id}: the scheme and the secret as configured; {@code key}: its bytes, made only on a miss. */
    private static Mac hmac(String id, Supplier<byte[]> key) {
        Mac keyed = KEYED.get(id);
        try {
            if (keyed == null) {
                keyed = Mac.getInstance("HmacSHA256");
                keyed.init(new SecretKeySpec(key.get(), "HmacSHA256"));
                if (KEYED.size() >= MAX_KEYED) KEYED.clear();
                KEYED.put(id, keyed);
            }
            return (Mac) keyed.clone();
        } catch (GeneralSecurityException | CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
