package herald.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/** An inbound hook as the API reads and writes it; its secret is shown masked. */
public final class HookJson {
    static final String MASK = "********";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    public static final java.util.List<String> FORMATS = java.util.List.of("json", "local_webhooks", "nosey", "openedx_webhooks");

    private HookJson() {}

    public static Hook parse(JsonNode in, Hook existing) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(in, "", errors);
        f.rejectUnknown("id", "name", "description", "event_type", "format", "auth", "enabled", "created_at", "updated_at", "url");
        String name = f.string("name", true, 100, null);
        if (name != null && !NAME.matcher(name).matches()) {
            errors.add("name", "may contain letters, digits, '.', '_' and '-' (it is the hook's address: /hooks/{name})");
        }
        String description = f.string("description", false, 1000, "");
        String format = f.oneOf("format", "json", FORMATS.toArray(String[]::new));
        String eventType = f.string("event_type", false, 255, null);
        if ("json".equals(format) && (eventType == null || eventType.isBlank())) errors.add("event_type", "is required for the json format");
        Hook.Auth auth = auth(f.object("auth"), existing == null ? null : existing.auth(), errors);
        boolean enabled = f.bool("enabled", true);
        errors.throwIfAny();
        return new Hook(existing == null ? null : existing.id(), name, description, eventType == null || eventType.isBlank() ? null : eventType,
                format, auth, enabled, existing == null ? 0 : existing.createdAt(), existing == null ? 0 : existing.updatedAt());
    }

    private static Hook.Auth auth(JsonFields a, Hook.Auth existing, FieldErrors errors) {
        if (a == null) {
            if (existing == null) errors.add("auth", "is required: a hook must know its callers (bearer, api_key, basic or standard_webhooks)");
            return existing;
        }
        a.rejectUnknown("type", "token", "key", "header", "username", "password", "secret", "tolerance_s");
        String type = a.oneOf("type", null, "bearer", "api_key", "basic", "standard_webhooks");
        if (type == null) return existing;
        String keep = existing != null && existing.type().equals(type) ? existing.secret() : null;
        String field = switch (type) {
            case "bearer" -> "token";
            case "api_key" -> "key";
            case "basic" -> "password";
            default -> "secret";
        };
        String secret = a.string(field, false, 4096, null);
        if (secret == null || secret.equals(MASK)) {
            if (keep == null) errors.add(a.path(field), "is required");
            secret = keep;
        } else if (secret.length() < 16 && !type.equals("basic")) {
            errors.add(a.path(field), "must have at least 16 characters");
        } else if (secret.length() < 12 && type.equals("basic")) {
            errors.add(a.path(field), "must have at least 12 characters");
        }
        if (type.equals("standard_webhooks") && secret != null && !secret.equals(keep)) {
            try {
                if (!secret.startsWith("whsec_") || Base64.getDecoder().decode(secret.substring(6)).length < 16) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                errors.add(a.path("secret"), "must be whsec_ followed by base64 of 16 to 64 bytes");
            }
        }
        String header = type.equals("api_key") ? a.string("header", false, 100, "X-API-Key") : null;
        if (header != null && !header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) errors.add(a.path("header"), "is not a valid header name");
        String username = type.equals("basic") ? a.string("username", true, 200, null) : null;
        if (username != null && username.contains(":")) errors.add(a.path("username"), "must not contain ':'");
        int tolerance = a.integer("tolerance_s", 1, 86_400, 300);
        return new Hook.Auth(type, secret, header, username, tolerance);
    }

    public static ObjectNode toJson(Hook h, boolean revealSecrets) {
        ObjectNode o = Json.object();
        o.put("id", h.id());
        o.put("name", h.name());
        o.put("url", "/hooks/" + h.name());
        o.put("description", h.description());
        o.put("event_type", h.eventType());
        o.put("format", h.format());
        ObjectNode a = o.putObject("auth").put("type", h.auth().type());
        String shown = revealSecrets ? h.auth().secret() : MASK;
        switch (h.auth().type()) {
            case "bearer" -> a.put("token", shown);
            case "api_key" -> a.put("header", h.auth().header()).put("key", shown);
            case "basic" -> a.put("username", h.auth().username()).put("password", shown);
            default -> a.put("secret", shown).put("tolerance_s", h.auth().toleranceS());
        }
        o.put("enabled", h.enabled());
        if (h.createdAt() > 0) {
            o.put("created_at", Instant.ofEpochMilli(h.createdAt()).toString());
            o.put("updated_at", Instant.ofEpochMilli(h.updatedAt()).toString());
        }
        return o;
    }
}
