package herald.client;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * For receivers: checks that a request comes from Herald. Standard Webhooks (the default):
 * {@code webhook-id}, {@code webhook-timestamp} (within a tolerance, 5 minutes by default) and
 * {@code webhook-signature} ({@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, several
 * space-separated during a secret rotation: any one that matches is enough). GitHub mode:
 * {@code X-Hub-Signature-256: sha256=<hex>} over the body. A request without a body (a GET) is signed
 * over its raw query string: pass that as the body.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.standard(System.getenv("HERALD_SECRET"));
 * verifier.verify(headers, bodyBytes); // throws WebhookVerifier.Invalid if not
 * }</pre>
 */
public final class WebhookVerifier {
    /** The request is not Herald's (or is too old, or was changed): the reason says which. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private final byte[] key;
    private final boolean github;
    private final Duration tolerance;

    private WebhookVerifier(byte[] key, boolean github, Duration tolerance) {
        this.key = key;
        this.github = github;
        this.tolerance = tolerance;
    }

    /** Standard Webhooks with a {@code whsec_…} secret (as the service's signing shows it once). */
    public static WebhookVerifier standard(String whsecSecret) {
        if (whsecSecret == null || !whsecSecret.startsWith("whsec_")) throw new IllegalArgumentException("the secret starts with whsec_");
        return new WebhookVerifier(Base64.getDecoder().decode(whsecSecret.substring(6)), false, Duration.ofMinutes(5));
    }

    /** GitHub's {@code X-Hub-Signature-256} with the service's secret text. */
    public static WebhookVerifier github(String secret) {
        return new WebhookVerifier(secret.getBytes(StandardCharsets.UTF_8), true, Duration.ZERO);
    }

    /** How far {@code webhook-timestamp} may be from now; {@link Duration#ZERO} skips the check. */
    public WebhookVerifier tolerance(Duration t) {
        return new WebhookVerifier(key, github, t);
    }

    /** Checks a request by its headers (names in any case) and body as received. */
    public void verify(Map<String, String> headers, byte[] body) throws Invalid {
        if (github) {
            verifyGithub(header(headers, "X-Hub-Signature-256"), body);
        } else {
            String ts = header(headers, "webhook-timestamp");
            long seconds;
            try {
                seconds = Long.parseLong(ts == null ? "" : ts.trim());
            } catch (NumberFormatException e) {
                throw new Invalid("webhook-timestamp is missing or not a number");
            }
            verify(header(headers, "webhook-id"), seconds, header(headers, "webhook-signature"), body);
        }
    }

    /** Checks a Standard Webhooks request from its three header values and body. */
    public void verify(String id, long timestampSeconds, String signatures, byte[] body) throws Invalid {
        if (github) throw new IllegalStateException("a GitHub-mode verifier checks X-Hub-Signature-256: use verify(headers, body)");
        if (id == null || signatures == null) throw new Invalid("webhook-id or webhook-signature is missing");
        if (!tolerance.isZero() && Math.abs(System.currentTimeMillis() / 1000 - timestampSeconds) > tolerance.toSeconds()) {
            throw new Invalid("webhook-timestamp is more than " + tolerance.toSeconds() + " s from now");
        }
        byte[] signed = concat((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8), body);
        byte[] expected = ("v1," + Base64.getEncoder().encodeToString(hmac(signed))).getBytes(StandardCharsets.US_ASCII);
        for (String candidate : signatures.trim().split(" +")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) return;
        }
        throw new Invalid("no signature in webhook-signature matches: a wrong secret, or a changed body");
    }

    private void verifyGithub(String header, byte[] body) throws Invalid {
        if (header == null) throw new Invalid("X-Hub-Signature-256 is missing");
        byte[] expected = ("sha256=" + HexFormat.of().formatHex(hmac(body))).getBytes(StandardCharsets.US_ASCII);
        for (String candidate : header.split(",")) {
            if (MessageDigest.isEqual(expected, candidate.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) return;
        }
        throw new Invalid("X-Hub-Signature-256 does not match: a wrong secret, or a changed body");
    }

    private byte[] hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(Map<String, String> headers, String name) {
        for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        return null;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
