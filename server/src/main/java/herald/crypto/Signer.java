package herald.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks signatures ({@code v1,<base64 HMAC-SHA256(id.timestamp.body)>}) and GitHub's. */
public final class Signer {
    private Signer() {}

    public static String standard(String whsecSecret, String msgId, long timestampSeconds, byte[] body) {
        byte[] key = Base64.getDecoder().decode(whsecSecret.startsWith("whsec_") ? whsecSecret.substring(6) : whsecSecret);
        byte[] prefix = (msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        Mac mac = hmac(key);
        mac.update(prefix);
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    public static String github(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8)).doFinal(body));
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

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
