package herald.subscription;

import herald.store.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A receiving system: where deliveries go and how. Secrets ({@code token}, {@code auth.secret},
 * {@code signing.secret} and its predecessors, {@code tls.clientKeyPem}) live here in clear only in
 * memory; the store encrypts them.
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
        String siteUrl,
        Tls tls,
        String type,
        Amqp amqp,
        Soap soap) implements Stored {

    /** The kinds of receiver: an HTTP endpoint, a RabbitMQ exchange (AMQP 0-9-1), a SOAP endpoint. */
    public static final String HTTP = "http", AMQP = "amqp", SOAP = "soap";

    /**
     * A receiver that is only an address (a webfilter's URL): no credentials, no signature, no retries
     * of its own; the outbound guard and the default TLS settings apply as to any service.
     */
    public static Service plain(String url, int timeoutMs) {
        return new Service(null, "plain", "", url, true, "POST", "json", "underscore", "", "", Map.of("Accept", "text/plain"), Auth.NONE,
                new Signing(false, "standard", ""), timeoutMs, RetryPolicy.DEFAULT, Breaker.DEFAULT, null, null, 0, 0, "", Tls.NONE,
                HTTP, Amqp.NONE, Soap.NONE);
    }

    /** This service with more headers on its requests (a gateway call's own); the call's win. */
    public Service withExtraHeaders(Map<String, String> extra) {
        if (extra.isEmpty()) return this;
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putAll(extra);
        return new Service(id, name, description, url, enabled, method, contentType, formStyle, token, this.extra, Map.copyOf(all), auth,
                signing, timeoutMs, retry, breaker, rateLimitPerS, maxConcurrency, createdAt, updatedAt, siteUrl, tls, type, amqp, soap);
    }

    /** How Herald authenticates to the receiver. {@code secret} is the bearer token, API key or password. */
    public record Auth(String type, String header, String username, String secret) {
        public static final Auth NONE = new Auth("none", null, null, null);
    }

    /**
     * Standard Webhooks signing ({@code mode} "standard") or GitHub-style {@code X-Hub-Signature-256}.
     * {@code previous} are secrets replaced by a rotation that still sign until they expire, so a
     * receiver can move to the new secret at its own pace.
     */
    public record Signing(boolean enabled, String mode, String secret, List<PreviousSecret> previous) {
        /** Most secrets kept signing beside the current one; older ones are dropped first. */
        public static final int MAX_PREVIOUS = 5;

        public Signing(boolean enabled, String mode, String secret) {
            this(enabled, mode, secret, List.of());
        }

        public Signing {
            previous = List.copyOf(previous);
        }

        /** The secrets that sign a request sent at {@code nowMs}: the current one first. */
        public List<String> secretsAt(long nowMs) {
            List<String> out = new ArrayList<>();
            out.add(secret);
            for (PreviousSecret p : previous) if (p.expiresAt() > nowMs) out.add(p.secret());
            return out;
        }

        /** Signing with {@code newSecret}; the current secret keeps signing for {@code overlapMs} (0: stops now). */
        public Signing rotated(String newSecret, long overlapMs, long nowMs) {
            List<PreviousSecret> kept = new ArrayList<>();
            if (overlapMs > 0 && !secret.equals(newSecret)) kept.add(new PreviousSecret(secret, nowMs + overlapMs));
            for (PreviousSecret p : previous) {
                if (p.expiresAt() > nowMs && !p.secret().equals(newSecret) && kept.size() < MAX_PREVIOUS) kept.add(p);
            }
            return new Signing(enabled, mode, newSecret, kept);
        }
    }

    /** A replaced signing secret and when it stops signing (epoch ms). */
    public record PreviousSecret(String secret, long expiresAt) {}

    /**
     * TLS towards the receiver, as PEM text ("" for none): {@code caPem} replaces the JDK's trusted
     * authorities for this service; a client certificate (chain) and its key make it mutual TLS; an
     * encrypted key is opened with {@code clientKeyPassword}.
     */
    public record Tls(String caPem, String clientCertPem, String clientKeyPem, String clientKeyPassword) {
        public static final Tls NONE = new Tls("", "", "", "");

        public boolean isDefault() {
            return caPem.isEmpty() && clientCertPem.isEmpty();
        }
    }

    /**
     * Where an {@code amqp} service publishes: the exchange ("" is the default exchange, which routes
     * by queue name), the routing key (a template rendered from the event), and a queue whose messages
     * come back as events of {@code replyEventType} ("" for none: Integration Hub's response queue).
     * The credentials are the service's {@code auth} (basic).
     */
    public record Amqp(String exchange, String routingKey, String replyQueue, String replyEventType) {
        public static final Amqp NONE = new Amqp("", "", "", "");
    }

    /**
     * How a {@code soap} service is called: SOAP {@code version} "1.1" (text/xml with a SOAPAction
     * header) or "1.2" (application/soap+xml with an action parameter), and the {@code envelope}
     * template ("" builds the envelope from the event).
     */
    public record Soap(String version, String action, String envelope) {
        public static final Soap NONE = new Soap("1.1", "", "");
    }

    public boolean isAmqp() {
        return AMQP.equals(type);
    }

    public boolean isSoap() {
        return SOAP.equals(type);
    }

    public record Breaker(int threshold, int windowS, int cooldownS) {
        public static final Breaker DEFAULT = new Breaker(5, 60, 300);
    }

    public Service withId(String newId, long created, long updated) {
        return new Service(newId, name, description, url, enabled, method, contentType, formStyle, token, extra,
                headers, auth, signing, timeoutMs, retry, breaker, rateLimitPerS, maxConcurrency, created, updated, siteUrl, tls, type, amqp, soap);
    }

    public Service withEnabled(boolean on, long updated) {
        return new Service(id, name, description, url, on, method, contentType, formStyle, token, extra,
                headers, auth, signing, timeoutMs, retry, breaker, rateLimitPerS, maxConcurrency, createdAt, updated, siteUrl, tls, type, amqp, soap);
    }

    public Service withSigning(Signing newSigning, long updated) {
        return new Service(id, name, description, url, enabled, method, contentType, formStyle, token, extra,
                headers, auth, newSigning, timeoutMs, retry, breaker, rateLimitPerS, maxConcurrency, createdAt, updated, siteUrl, tls, type, amqp, soap);
    }
}
