package herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Json;
import herald.web.FieldErrors;
import herald.web.JsonFields;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The API's JSON form of a {@link Service}: validation on the way in, masking on the way out. */
public final class ServiceJson {
    public static final String MASK = "********";
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "content-type", "webhook-id", "webhook-timestamp", "webhook-signature", "user-agent");
    private static final SecureRandom RANDOM = new SecureRandom();

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
                "max_concurrency", "created_at", "updated_at", "paused"); // paused: shown, changed by pause/resume
        String name = f.string("name", true, 100, null);
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            errors.add("name", "may contain letters, digits, '.', '_' and '-' and must start with a letter or digit");
        }
        String description = f.string("description", false, 1000, "");
        String url = f.string("url", true, 2048, null);
        if (url != null) checkUrl(url, errors);
        boolean enabled = f.bool("enabled", true);
        String method = f.oneOf("method", "POST", METHODS.toArray(String[]::new));
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
        Service.Signing signing = signing(f.object("signing"), existing == null ? null : existing.signing());
        int timeoutMs = f.integer("timeout_ms", 100, 300_000, 10_000);
        RetryPolicy retry = f.has("retry") ? RetryPolicy.parse(f.object("retry")) : RetryPolicy.DEFAULT;
        Service.Breaker breaker = breaker(f.object("circuit_breaker"));
        Double rate = f.number("rate_limit_per_s", 0.001, 100_000, null);
        Integer maxConcurrency = f.integer("max_concurrency", 1, 10_000, null);
        errors.throwIfAny();
        return new Service(existing == null ? null : existing.id(), name, description, url, enabled, method, contentType,
                formStyle, token, extra, Map.copyOf(headers), auth, signing, timeoutMs, retry, breaker, rate,
                maxConcurrency, existing == null ? 0 : existing.createdAt(), existing == null ? 0 : existing.updatedAt());
    }

    static void checkUrl(String url, FieldErrors errors) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                errors.add("url", "must be an absolute http or https URL");
            } else if (u.getHost() == null || u.getHost().isEmpty()) {
                errors.add("url", "must name a host");
            } else if (u.getUserInfo() != null) {
                errors.add("url", "must not carry credentials; use auth instead");
            } else if (u.getFragment() != null) {
                errors.add("url", "must not have a fragment");
            }
        } catch (URISyntaxException e) {
            errors.add("url", "is not a valid URL: " + e.getReason());
        }
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
        s.rejectUnknown("enabled", "mode", "secret");
        boolean enabled = s.bool("enabled", true);
        String mode = s.oneOf("mode", "standard", "standard", "github");
        String secret = s.string("secret", false, 200, null);
        if (secret == null || secret.equals(MASK)) {
            secret = existing != null ? existing.secret() : newSigningSecret();
        } else if (secret.startsWith("whsec_")) {
            try {
                byte[] raw = Base64.getDecoder().decode(secret.substring(6));
                if (raw.length < 16 || raw.length > 64) s.errors().add(s.path("secret"), "must hold 16 to 64 bytes");
            } catch (IllegalArgumentException e) {
                s.errors().add(s.path("secret"), "must be whsec_ followed by base64");
            }
        } else if (mode.equals("standard")) {
            s.errors().add(s.path("secret"), "must be whsec_ followed by base64");
        }
        return new Service.Signing(enabled, mode, secret);
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
        o.put("timeout_ms", s.timeoutMs());
        o.set("retry", s.retry().toJson());
        ObjectNode b = o.putObject("circuit_breaker");
        b.put("threshold", s.breaker().threshold());
        b.put("window_s", s.breaker().windowS());
        b.put("cooldown_s", s.breaker().cooldownS());
        if (s.rateLimitPerS() == null) o.putNull("rate_limit_per_s"); else o.put("rate_limit_per_s", s.rateLimitPerS());
        if (s.maxConcurrency() == null) o.putNull("max_concurrency"); else o.put("max_concurrency", s.maxConcurrency());
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
