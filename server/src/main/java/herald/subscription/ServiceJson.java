package herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.crypto.Pem;
import herald.crypto.SecretBox;
import herald.json.Json;
import herald.json.JsonFields;
import herald.json.Times;
import herald.net.Hosts;
import herald.problem.FieldErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The API's JSON form of a {@link Service}: validation on the way in, masking on the way out. */
public final class ServiceJson {
    public static final String MASK = SecretBox.MASK;
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** Headers Herald sets itself, which a service's or a call's headers may not replace. */
    public static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "content-type", "webhook-id", "webhook-timestamp", "webhook-signature", "user-agent");
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int DEFAULT_OVERLAP_S = 86_400;
    private static final int MAX_PEM_CHARS = 256 * 1024;
    static final int MAX_OVERLAP_S = 30 * 86_400;

    private ServiceJson() {}

    /**
     * Validates {@code in} into a service. Secrets absent from {@code in}, or given as the mask, keep
     * the value of {@code existing} (null on create). Throws a 400 problem naming every bad field.
     */
    public static Service parse(JsonNode in, Service existing) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(in, "", errors);
        f.rejectUnknown("id", "name", "description", "url", "enabled", "method", "content_type", "form_style", "token",
                "extra", "headers", "auth", "signing", "timeout_ms", "retry", "circuit_breaker", "rate_limit_per_s",
                "max_concurrency", "created_at", "updated_at", "site_url", "tls", "type", "exchange", "routing_key", "reply_queue",
                "reply_event_type", "soap_version", "soap_action", "soap_envelope",
                "warnings", "paused", "reply_queue_status"); // read-only, ignored
        String type = f.oneOf("type", Service.HTTP, Service.HTTP, Service.AMQP, Service.SOAP);
        String name = f.string("name", true, 100, null);
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            errors.add("name", "may contain letters, digits, '.', '_' and '-' and must start with a letter or digit");
        }
        String description = f.string("description", false, 1000, "");
        String url = f.string("url", true, 2048, null);
        AmqpUrl amqpUrl = null;
        if (url != null && Service.AMQP.equals(type)) {
            amqpUrl = amqpUrl(url, errors);
            if (amqpUrl != null) url = amqpUrl.url();
        } else if (url != null) {
            checkUrl(url, errors);
        }
        boolean enabled = f.bool("enabled", true);
        String method = f.oneOf("method", "POST", METHODS.toArray(String[]::new));
        if (Service.SOAP.equals(type) && !method.equals("POST")) errors.add("method", "must be POST for a SOAP service");
        String contentType = f.oneOf("content_type", "json", "json", "form");
        String formStyle = f.oneOf("form_style", "underscore", "underscore", "brackets");
        String token = secret(f, "token", existing == null ? "" : existing.token());
        String extra = f.string("extra", false, 10_000, "");
        Map<String, String> headers = f.stringMap("headers", 50, 4096);
        headers.forEach((k, v) -> {
            if (!k.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) errors.add("headers." + k, "is not a valid header name");
            else if (RESERVED_HEADERS.contains(k.toLowerCase(Locale.ROOT))) errors.add("headers." + k, "is set by Herald and cannot be overridden");
            if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) errors.add("headers." + k, "must not contain line breaks");
        });
        Service.Auth auth = auth(f.object("auth"), existing == null ? Service.Auth.NONE : existing.auth(), errors);
        if (amqpUrl != null && amqpUrl.credentials() != null) {
            if (!in.path("auth").path("type").asText("none").equals("none")) {
                errors.add("url", "carries credentials and so does auth: give them once");
            }
            auth = amqpUrl.credentials();
        }
        if (Service.AMQP.equals(type) && !auth.type().equals("none") && !auth.type().equals("basic")) {
            errors.add("auth.type", "must be basic (user name and password) or none for an AMQP service");
        }
        Service.Amqp amqp = Service.AMQP.equals(type) ? amqp(f, errors) : Service.Amqp.NONE;
        Service.Soap soap = Service.SOAP.equals(type) ? new Service.Soap(f.oneOf("soap_version", "1.1", "1.1", "1.2"),
                f.string("soap_action", false, 1000, ""), f.string("soap_envelope", false, MAX_TEMPLATE_CHARS, "")) : Service.Soap.NONE;
        if (soap.action().indexOf('"') >= 0 || soap.action().indexOf('\r') >= 0 || soap.action().indexOf('\n') >= 0) {
            errors.add("soap_action", "must not contain quotes or line breaks");
        }
        Service.Signing signing = signing(f.object("signing"), existing == null ? null : existing.signing());
        int timeoutMs = f.integer("timeout_ms", 100, 300_000, 10_000);
        RetryPolicy retry = f.has("retry") ? RetryPolicy.parse(f.object("retry")) : RetryPolicy.DEFAULT;
        Service.Breaker breaker = breaker(f.object("circuit_breaker"));
        Double rate = f.number("rate_limit_per_s", 0.001, 100_000, null);
        Integer maxConcurrency = f.integer("max_concurrency", 1, 10_000, null);
        String siteUrl = f.string("site_url", false, 2048, "");
        if (!siteUrl.isEmpty()) { // the same rules as url, filed under site_url
            FieldErrors site = new FieldErrors();
            checkUrl(siteUrl, site);
            site.list().forEach(e -> errors.add("site_url", e.message()));
        }
        Service.Tls tls = tls(f.object("tls"), existing == null ? Service.Tls.NONE : existing.tls());
        errors.throwIfAny();
        return new Service(existing == null ? null : existing.id(), name, description, url, enabled, method, contentType,
                formStyle, token, extra, Map.copyOf(headers), auth, signing, timeoutMs, retry, breaker, rate,
                maxConcurrency, existing == null ? 0 : existing.createdAt(), existing == null ? 0 : existing.updatedAt(), siteUrl, tls,
                type, amqp, soap);
    }

    /** The most characters of a SOAP envelope template or an AMQP routing key template. */
    public static final int MAX_TEMPLATE_CHARS = 100_000;
    static final int MAX_ROUTING_KEY_CHARS = 1000;

    /** An AMQP URL as stored (credentials taken out) and the credentials it carried (null: none). */
    private record AmqpUrl(String url, Service.Auth credentials) {}

    /**
     * {@code amqp://user:pass@host:5672/vhost} (or {@code amqps://}): the credentials become the
     * service's basic auth, so they are sealed and masked as every secret is, and the URL kept is
     * the address alone.
     */
    private static AmqpUrl amqpUrl(String url, FieldErrors errors) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String problem = addressProblem(u, scheme, "amqp", "amqps", "must be an amqp:// or amqps:// URL for an AMQP service");
            if (problem != null) {
                errors.add("url", problem);
            } else if (u.getRawQuery() != null || u.getFragment() != null) {
                errors.add("url", "must not have a query or a fragment");
            } else if (u.getRawPath() != null && u.getRawPath().length() > 1 && u.getRawPath().indexOf('/', 1) >= 0) {
                errors.add("url", "names the virtual host as its one path segment (%2F for /)");
            } else {
                Service.Auth credentials = null;
                if (u.getRawUserInfo() != null) {
                    String[] parts = u.getRawUserInfo().split(":", 2);
                    String user = java.net.URLDecoder.decode(parts[0].replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
                    String password = parts.length > 1 ? java.net.URLDecoder.decode(parts[1].replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8) : "";
                    if (user.isEmpty() || password.isEmpty()) errors.add("url", "credentials must be user:password");
                    credentials = new Service.Auth("basic", null, user, password);
                }
                String address = scheme + "://" + u.getRawAuthority().substring(u.getRawAuthority().indexOf('@') + 1)
                        + (u.getRawPath() == null ? "" : u.getRawPath());
                return new AmqpUrl(address, credentials);
            }
        } catch (URISyntaxException e) {
            errors.add("url", "is not a valid URL: " + e.getReason());
        }
        return null;
    }

    private static Service.Amqp amqp(JsonFields f, FieldErrors errors) {
        String exchange = f.string("exchange", false, 255, "");
        if (!exchange.matches("[A-Za-z0-9_.:\\-]*")) errors.add("exchange", "may contain letters, digits, '-', '_', '.' and ':'");
        if (exchange.startsWith("amq.") && !exchange.matches("amq\\.(direct|fanout|topic|headers|match)")) {
            errors.add("exchange", "names a reserved exchange");
        }
        String routingKey = f.string("routing_key", false, MAX_ROUTING_KEY_CHARS, "{{name}}");
        String replyQueue = f.string("reply_queue", false, 255, "");
        if (!replyQueue.matches("[A-Za-z0-9_.:\\-]*")) errors.add("reply_queue", "may contain letters, digits, '-', '_', '.' and ':'");
        String replyType = f.string("reply_event_type", false, 255, "").strip();
        if (replyType.isEmpty()) replyType = "amqp.reply"; // a form's empty field too
        return new Service.Amqp(exchange, routingKey, replyQueue, replyQueue.isEmpty() ? "" : replyType);
    }

    public static void checkUrl(String url, FieldErrors errors) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String problem = addressProblem(u, scheme, "http", "https", "must be an absolute http or https URL");
            if (problem != null) {
                errors.add("url", problem);
            } else if (u.getUserInfo() != null) {
                errors.add("url", "must not carry credentials; use auth instead");
            } else if (u.getFragment() != null) {
                errors.add("url", "must not have a fragment");
            }
        } catch (URISyntaxException e) {
            errors.add("url", "is not a valid URL: " + e.getReason());
        }
    }

    /** What is wrong with a URL's scheme, host or port (null: nothing), for either kind of service. */
    private static String addressProblem(URI u, String scheme, String plain, String secure, String wrongScheme) {
        if (!scheme.equals(plain) && !scheme.equals(secure)) return wrongScheme;
        if (u.getHost() == null || u.getHost().isEmpty()) return "must name a host";
        String numeric = Hosts.numericProblem(u.getHost());
        if (numeric != null) return numeric;
        // java.net.URI takes any digits as a port; no request could be made to 0 or 99999, so every delivery would fail.
        if (u.getPort() == 0 || u.getPort() > 65535) return "must have a port from 1 to 65535";
        return null;
    }

    private static String secret(JsonFields f, String field, String keep) {
        String v = f.string(field, false, 4096, null);
        return v == null || v.equals(MASK) ? keep : v;
    }

    private static Service.Auth auth(JsonFields a, Service.Auth existing, FieldErrors errors) {
        if (a == null) return existing;
        a.rejectUnknown("type", "token", "header", "key", "username", "password");
        String type = a.oneOf("type", null, "none", "bearer", "api_key", "basic");
        if (type == null) return existing;
        String keep = type.equals(existing.type()) ? existing.secret() : null;
        return switch (type) {
            case "bearer" -> new Service.Auth(type, null, null, required(a, "token", keep, errors));
            case "api_key" -> {
                String header = a.string("header", false, 100, "X-API-Key");
                if (!header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) errors.add(a.path("header"), "is not a valid header name");
                yield new Service.Auth(type, header, null, required(a, "key", keep, errors));
            }
            case "basic" -> {
                String user = a.string("username", true, 200, null);
                if (user != null && user.contains(":")) errors.add(a.path("username"), "must not contain ':'");
                yield new Service.Auth(type, null, user, required(a, "password", keep, errors));
            }
            default -> Service.Auth.NONE;
        };
    }

    private static String required(JsonFields a, String field, String keep, FieldErrors errors) {
        String v = a.string(field, false, 4096, null);
        if (v == null || v.equals(MASK)) {
            if (keep == null) errors.add(a.path(field), "is required");
            return keep;
        }
        if (v.isEmpty()) errors.add(a.path(field), "must not be empty");
        return v;
    }

    private static Service.Signing signing(JsonFields s, Service.Signing existing) {
        if (s == null) return existing != null ? existing : new Service.Signing(true, "standard", newSigningSecret());
        s.rejectUnknown("enabled", "mode", "secret", "previous");
        boolean enabled = s.bool("enabled", true);
        String mode = s.oneOf("mode", "standard", "standard", "github");
        String secret = s.string("secret", false, 200, null);
        if (secret == null || secret.equals(MASK)) {
            secret = existing != null ? existing.secret() : newSigningSecret();
        } else {
            checkSigningSecret(secret, mode, s, "secret");
        }
        List<Service.PreviousSecret> previous = previousSecrets(s, existing == null ? List.of() : existing.previous());
        return new Service.Signing(enabled, mode, secret, previous);
    }

    /** A {@code whsec_} secret must decode to 16-64 bytes; GitHub mode also takes any other non-empty text. */
    private static void checkSigningSecret(String secret, String mode, JsonFields s, String field) {
        if (secret.startsWith("whsec_")) {
            try {
                byte[] raw = Base64.getDecoder().decode(secret.substring(6));
                if (raw.length < 16 || raw.length > 64) s.errors().add(s.path(field), "must hold 16 to 64 bytes");
            } catch (IllegalArgumentException e) {
                s.errors().add(s.path(field), "must be whsec_ followed by base64");
            }
        } else if (mode.equals("standard")) {
            s.errors().add(s.path(field), "must be whsec_ followed by base64");
        } else if (secret.isEmpty()) {
            s.errors().add(s.path(field), "must not be empty");
        }
    }

    /**
     * Secrets still signing after a rotation. Sent back masked (as every response shows them), they
     * keep the stored ones; {@code []} ends every overlap at once. Expired ones are dropped.
     */
    private static List<Service.PreviousSecret> previousSecrets(JsonFields s, List<Service.PreviousSecret> keep) {
        ArrayNode in = s.array("previous", Service.Signing.MAX_PREVIOUS);
        List<Service.PreviousSecret> out = keep;
        if (in != null) {
            List<Service.PreviousSecret> given = new ArrayList<>();
            boolean masked = false;
            for (int i = 0; i < in.size(); i++) {
                JsonFields p = JsonFields.of(in.get(i), s.path("previous") + "[" + i + "]", s.errors());
                p.rejectUnknown("secret", "expires_at");
                String secret = p.string("secret", true, 200, null);
                Instant expires = instant(p, "expires_at");
                if (MASK.equals(secret)) masked = true;
                else if (secret != null && expires != null) given.add(new Service.PreviousSecret(secret, expires.toEpochMilli()));
            }
            if (!masked) out = given;
        }
        long now = System.currentTimeMillis();
        return out.stream().filter(p -> p.expiresAt() > now).toList();
    }

    private static Instant instant(JsonFields f, String field) {
        String text = f.string(field, true, 64, null);
        if (text == null) return null;
        try {
            return Instant.ofEpochMilli(Times.epochMillis(text));
        } catch (java.time.format.DateTimeParseException e) {
            f.errors().add(f.path(field), "must be an RFC 3339 UTC time such as 2026-01-31T12:00:00Z");
            return null;
        }
    }

    /**
     * The signing after {@code POST /services/{id}/signing/rotate} with {@code body} ({@code secret}:
     * the new secret, generated when absent; {@code overlap_s}: how long the old one keeps signing,
     * default a day, 0 to stop at once).
     */
    public static Service.Signing rotation(JsonNode body, Service.Signing current, long nowMs) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("secret", "overlap_s");
        String secret = f.string("secret", false, 200, null);
        if (secret != null) checkSigningSecret(secret, current.mode(), f, "secret");
        Integer overlapS = f.integer("overlap_s", 0, MAX_OVERLAP_S, DEFAULT_OVERLAP_S);
        errors.throwIfAny();
        return current.rotated(secret != null ? secret : newSigningSecret(), overlapS * 1000L, nowMs);
    }

    /**
     * {@code tls}: absent keeps what the service had. The key is write-only: absent or masked keeps the
     * stored one (while a client certificate is set). Every PEM is read now, so a bad one is a 400.
     */
    private static Service.Tls tls(JsonFields t, Service.Tls existing) {
        if (t == null) return existing;
        t.rejectUnknown("ca_pem", "client_cert_pem", "client_key_pem", "client_key_password");
        String ca = t.string("ca_pem", false, MAX_PEM_CHARS, "");
        String cert = t.string("client_cert_pem", false, MAX_PEM_CHARS, "");
        String keyIn = t.string("client_key_pem", false, MAX_PEM_CHARS, null);
        boolean keyGiven = keyIn != null && !keyIn.equals(MASK) && !keyIn.isBlank();
        String key = keyIn == null || keyIn.equals(MASK) ? existing.clientKeyPem() : keyIn;
        String passwordIn = t.string("client_key_password", false, 1024, null);
        String password = passwordIn == null || passwordIn.equals(MASK) ? existing.clientKeyPassword() : passwordIn;
        if (cert.isBlank()) {
            if (keyGiven) t.errors().add(t.path("client_cert_pem"), "is required with client_key_pem");
            cert = "";
            key = ""; // a stored key without its certificate is of no use
            password = "";
        }
        if (!ca.isBlank()) {
            try {
                Pem.certificates(ca);
            } catch (IllegalArgumentException e) {
                t.errors().add(t.path("ca_pem"), e.getMessage());
            }
        } else {
            ca = "";
        }
        if (!cert.isEmpty()) {
            java.security.cert.X509Certificate leaf = null;
            try {
                leaf = Pem.certificates(cert).get(0);
            } catch (IllegalArgumentException e) {
                t.errors().add(t.path("client_cert_pem"), e.getMessage());
            }
            if (key.isBlank()) {
                t.errors().add(t.path("client_key_pem"), "is required with client_cert_pem");
            } else {
                try {
                    java.security.PrivateKey pk = Pem.privateKey(key, password);
                    if (leaf != null && !Pem.matches(pk, leaf)) {
                        t.errors().add(t.path("client_key_pem"), "is not the key of the first certificate in client_cert_pem");
                    }
                } catch (IllegalArgumentException e) {
                    t.errors().add(t.path("client_key_pem"), e.getMessage());
                }
            }
        }
        return new Service.Tls(ca, cert, key, password == null ? "" : password);
    }

    private static Service.Breaker breaker(JsonFields b) {
        if (b == null) return Service.Breaker.DEFAULT;
        // The live fields (state, ...) are shown by GET and ignored here, so a GET document can be PUT back.
        b.rejectUnknown("threshold", "window_s", "cooldown_s", "state", "failures", "times_opened", "open_until");
        return new Service.Breaker(b.integer("threshold", 1, 10_000, 5), b.integer("window_s", 1, 86_400, 60),
                b.integer("cooldown_s", 1, 86_400, 300));
    }

    public static String newSigningSecret() {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        return "whsec_" + Base64.getEncoder().encodeToString(raw);
    }

    /** The API view; secrets masked unless {@code revealSecrets} (backup with secrets) or the signing secret was just made. */
    public static ObjectNode toJson(Service s, boolean revealSecrets, boolean revealSigningSecret) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        o.put("name", s.name());
        o.put("description", s.description());
        o.put("url", s.url());
        o.put("enabled", s.enabled());
        o.put("method", s.method());
        o.put("content_type", s.contentType());
        o.put("form_style", s.formStyle());
        o.put("token", show(s.token(), revealSecrets));
        o.put("extra", s.extra());
        ObjectNode h = o.putObject("headers");
        s.headers().forEach(h::put);
        ObjectNode a = o.putObject("auth");
        a.put("type", s.auth().type());
        switch (s.auth().type()) {
            case "bearer" -> a.put("token", show(s.auth().secret(), revealSecrets));
            case "api_key" -> {
                a.put("header", s.auth().header());
                a.put("key", show(s.auth().secret(), revealSecrets));
            }
            case "basic" -> {
                a.put("username", s.auth().username());
                a.put("password", show(s.auth().secret(), revealSecrets));
            }
            default -> { }
        }
        ObjectNode sg = o.putObject("signing");
        sg.put("enabled", s.signing().enabled());
        sg.put("mode", s.signing().mode());
        sg.put("secret", show(s.signing().secret(), revealSecrets || revealSigningSecret));
        ArrayNode previous = sg.putArray("previous");
        for (Service.PreviousSecret p : s.signing().previous()) {
            previous.addObject().put("secret", show(p.secret(), revealSecrets))
                    .put("expires_at", Instant.ofEpochMilli(p.expiresAt()).toString());
        }
        o.put("timeout_ms", s.timeoutMs());
        o.set("retry", s.retry().toJson());
        ObjectNode b = o.putObject("circuit_breaker");
        b.put("threshold", s.breaker().threshold());
        b.put("window_s", s.breaker().windowS());
        b.put("cooldown_s", s.breaker().cooldownS());
        if (s.rateLimitPerS() == null) o.putNull("rate_limit_per_s"); else o.put("rate_limit_per_s", s.rateLimitPerS());
        if (s.maxConcurrency() == null) o.putNull("max_concurrency"); else o.put("max_concurrency", s.maxConcurrency());
        o.put("site_url", s.siteUrl() == null ? "" : s.siteUrl());
        o.put("type", s.type());
        if (s.isAmqp()) {
            o.put("exchange", s.amqp().exchange());
            o.put("routing_key", s.amqp().routingKey());
            o.put("reply_queue", s.amqp().replyQueue());
            o.put("reply_event_type", s.amqp().replyEventType());
        } else if (s.isSoap()) {
            o.put("soap_version", s.soap().version());
            o.put("soap_action", s.soap().action());
            o.put("soap_envelope", s.soap().envelope());
        }
        ObjectNode tls = o.putObject("tls");
        tls.put("ca_pem", s.tls().caPem());
        tls.put("client_cert_pem", s.tls().clientCertPem());
        tls.put("client_key_pem", show(s.tls().clientKeyPem(), revealSecrets));
        tls.put("client_key_password", show(s.tls().clientKeyPassword(), revealSecrets));
        if (s.createdAt() > 0) {
            o.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
            o.put("updated_at", Instant.ofEpochMilli(s.updatedAt()).toString());
        }
        return o;
    }

    private static String show(String secret, boolean reveal) {
        if (secret == null || secret.isEmpty()) return "";
        return reveal ? secret : MASK;
    }
}
