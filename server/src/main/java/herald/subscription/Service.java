package herald.subscription;

import java.util.Map;

/**
 * A receiving system: where deliveries go and how. Secrets ({@code token}, {@code auth.secret},
 * {@code signing.secret}) live here in clear only in memory; the store encrypts them.
 *
 * @param siteUrl the LMS site this service's events come from ("" when unset); the {@code moodle}
 *                format sends its host
 */
public record Service(
        String id,
        String name,
        String description,
        String url,
        boolean enabled,
        String method,
        String contentType,
        String formStyle,
        String token,
        String extra,
        Map<String, String> headers,
        Auth auth,
        Signing signing,
        int timeoutMs,
        RetryPolicy retry,
        Breaker breaker,
        Double rateLimitPerS,
        Integer maxConcurrency,
        long createdAt,
        long updatedAt,
        String siteUrl) {

    /** How Herald authenticates to the receiver. {@code secret} is the bearer token, API key or password. */
    public record Auth(String type, String header, String username, String secret) {
        public static final Auth NONE = new Auth("none", null, null, null);
    }

    /** Standard Webhooks signing ({@code mode} "standard") or GitHub-style {@code X-Hub-Signature-256}. */
    public record Signing(boolean enabled, String mode, String secret) {}

    public record Breaker(int threshold, int windowS, int cooldownS) {
        public static final Breaker DEFAULT = new Breaker(5, 60, 300);
    }

    public Service withId(String newId, long created, long updated) {
        return new Service(newId, name, description, url, enabled, method, contentType, formStyle, token, extra,
                headers, auth, signing, timeoutMs, retry, breaker, rateLimitPerS, maxConcurrency, created, updated, siteUrl);
    }

    public Service withEnabled(boolean on, long updated) {
        return new Service(id, name, description, url, on, method, contentType, formStyle, token, extra,
                headers, auth, signing, timeoutMs, retry, breaker, rateLimitPerS, maxConcurrency, createdAt, updated, siteUrl);
    }

    public Service withSigningSecret(String secret, long updated) {
        return new Service(id, name, description, url, enabled, method, contentType, formStyle, token, extra,
                headers, auth, new Signing(signing.enabled(), signing.mode(), secret), timeoutMs, retry, breaker,
                rateLimitPerS, maxConcurrency, createdAt, updated, siteUrl);
    }
}
