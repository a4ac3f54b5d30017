package herald.outbound;

import herald.crypto.SecretBox;
import herald.crypto.Signer;
import herald.subscription.Service;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The headers of one outbound request: Herald's own, the service's custom ones, the signature and
 * the receiver's credentials; and the same headers as an attempt records them, credentials masked.
 */
public final class OutboundHeaders {
    private static final String MASK = SecretBox.MASK;
    private static final Pattern CREDENTIAL_NAME = Pattern.compile(
            "authorization|cookie|token|secret|passw|api-?key|session|credential", Pattern.CASE_INSENSITIVE);
    private final String userAgent;

    public OutboundHeaders(String userAgent) {
        this.userAgent = userAgent;
    }

    /**
     * Headers for sending message {@code deliveryId} at {@code nowMs}, signed over {@code signed}: the
     * body, or for a request without one the raw query string (see {@link #signedContent}).
     * {@code contentType} null: the request has no body to describe.
     */
    public Map<String, String> build(Service svc, String deliveryId, long nowMs, String contentType, byte[] signed) {
        byte[] body = signed;
        Map<String, String> headers = new LinkedHashMap<>(svc.headers());
        headers.put("User-Agent", userAgent);
        if (contentType != null) headers.put("Content-Type", contentType);
        if (svc.signing().enabled()) {
            long ts = nowMs / 1000;
            // During a rotation's overlap every live secret signs: receivers accept any one that matches.
            List<String> secrets = svc.signing().secretsAt(nowMs);
            if (svc.signing().mode().equals("github")) {
                // Comma-separated, as adnanh's webhook reads several; a single one outside an overlap.
                headers.put("X-Hub-Signature-256", eachSigned(secrets, k -> Signer.github(k, body), ","));
            } else {
                headers.put("webhook-id", deliveryId);
                headers.put("webhook-timestamp", Long.toString(ts));
                headers.put("webhook-signature", eachSigned(secrets, k -> Signer.standard(k, deliveryId, ts, body), " "));
            }
        }
        if (svc.isSoap() && !"1.2".equals(svc.soap().version())) headers.put("SOAPAction", "\"" + svc.soap().action() + "\"");
        if (svc.isAmqp()) return headers; // an AMQP service's credentials open the connection; they are no message header
        switch (svc.auth().type()) {
            case "bearer" -> headers.put("Authorization", "Bearer " + svc.auth().secret());
            case "api_key" -> headers.put(svc.auth().header(), svc.auth().secret());
            case "basic" -> headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (svc.auth().username() + ":" + svc.auth().secret()).getBytes(StandardCharsets.UTF_8)));
            default -> { }
        }
        return headers;
    }

    /** One signature per secret, joined by {@code separator}; without a stream for the usual single secret (it is every send). */
    private static String eachSigned(List<String> secrets, Function<String, String> sign, String separator) {
        if (secrets.size() == 1) return sign.apply(secrets.get(0));
        var out = new StringJoiner(separator);
        for (String secret : secrets) out.add(sign.apply(secret));
        return out.toString();
    }

    /**
     * What a request's signature covers: its body, or, for a request without one (a GET carrying
     * the payload in its query string), the raw query string as sent (without the {@code ?}), so
     * that the payload is signed either way. Documented in docs/outbound.md.
     */
    public static byte[] signedContent(String method, String url, byte[] body) {
        if (body.length > 0 || !method.equals("GET")) return body;
        String query = java.net.URI.create(url).getRawQuery();
        return query == null ? body : query.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Request headers as recorded: credentials never reach the attempt log. Besides {@code auth}, a
     * custom header whose name says it carries a credential (a token, a key, a cookie) is masked too.
     */
    public static Map<String, String> redact(Map<String, String> headers, Service svc) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> out.put(name, redacted(name, value, svc)));
        return out;
    }

    /**
     * Headers as a person or a read key may see them (a preview, the next attempt's request):
     * credentials masked by name as {@link #redact} does, and any of the service's secrets in a value.
     */
    public static Map<String, String> shown(Map<String, String> sent, Service svc, SecretMask mask) {
        Map<String, String> out = new LinkedHashMap<>();
        redact(sent, svc).forEach((name, value) -> out.put(name, mask.mask(value)));
        return out;
    }

    private static String redacted(String name, String value, Service svc) {
        if (name.equalsIgnoreCase("Authorization")) {
            return value.startsWith("Basic ") ? "Basic " + MASK : value.startsWith("Bearer ") ? "Bearer " + MASK : MASK;
        }
        if (svc.auth().type().equals("api_key") && name.equalsIgnoreCase(svc.auth().header())) return MASK;
        return credentialName(name) ? MASK : value;
    }

    /** Header names are few (Herald's own and those in services' settings): each is matched once. */
    private static final Map<String, Boolean> CREDENTIAL_NAMES = new ConcurrentHashMap<>();

    private static boolean credentialName(String name) {
        return CREDENTIAL_NAMES.computeIfAbsent(name, n -> CREDENTIAL_NAME.matcher(n).find());
    }
}
