package herald.delivery;

import herald.subscription.Service;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of one outbound request: Herald's own, the service's custom ones, the signature and
 * the receiver's credentials; and the same headers as an attempt records them, credentials masked.
 */
public final class OutboundHeaders {
    private final String userAgent;

    public OutboundHeaders(String userAgent) {
        this.userAgent = userAgent;
    }

    /** Headers for sending {@code body} as delivery {@code deliveryId}, signed at {@code nowMs}. */
    public Map<String, String> build(Service svc, String deliveryId, long nowMs, String contentType, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>(svc.headers());
        headers.put("User-Agent", userAgent);
        headers.put("Content-Type", contentType);
        if (svc.signing().enabled()) {
            long ts = nowMs / 1000;
            if (svc.signing().mode().equals("github")) {
                headers.put("X-Hub-Signature-256", Signer.github(svc.signing().secret(), body));
            } else {
                headers.put("webhook-id", deliveryId);
                headers.put("webhook-timestamp", Long.toString(ts));
                headers.put("webhook-signature", Signer.standard(svc.signing().secret(), deliveryId, ts, body));
            }
        }
        switch (svc.auth().type()) {
            case "bearer" -> headers.put("Authorization", "Bearer " + svc.auth().secret());
            case "api_key" -> headers.put(svc.auth().header(), svc.auth().secret());
            case "basic" -> headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (svc.auth().username() + ":" + svc.auth().secret()).getBytes(StandardCharsets.UTF_8)));
            default -> { }
        }
        return headers;
    }

    /** Request headers as recorded: credentials never reach the attempt log. */
    public static Map<String, String> redact(Map<String, String> headers, Service svc) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.computeIfPresent("Authorization", (k, v) -> v.startsWith("Basic") ? "Basic ********" : "Bearer ********");
        if (svc.auth().type().equals("api_key")) out.computeIfPresent(svc.auth().header(), (k, v) -> "********");
        return out;
    }
}
