package herald.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.crypto.Signer;
import herald.ids.Ids;
import herald.json.Json;
import herald.json.TreeBudget;
import herald.json.PythonText;
import herald.openedx.EventBusMessages;
import herald.openedx.OpenEdxSchemas;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * What an inbound hook does with a request, HTTP aside: checks the caller's credentials, then turns
 * the body into the event document it describes, by the hook's format.
 */
public final class HookRequests {
    /** A request to {@code /hooks/{name}}: headers by lower-case name, the query, the body as sent. */
    /** {@code trees}: the request's share of what parsed bodies may take (see {@link TreeBudget}). */
    public record Incoming(Map<String, String> headers, Map<String, List<String>> query, byte[] body, TreeBudget.Charge trees) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Why a request is refused: {@code missing} (401) or {@code wrong} (403) credentials, or a body that says nothing (400). */
    public static final class Refused extends Exception {
        public enum Kind { MISSING_CREDENTIALS, WRONG_CREDENTIALS, UNREADABLE }

        private final Kind kind;

        Refused(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** Headers an event may keep: none that carries a credential. */
    private static final Set<String> KEPT_HEADERS = Set.of("content-type", "user-agent", "webhook-id", "webhook-timestamp",
            "x-request-id", "x-correlation-id", "x-github-event", "x-github-delivery", "x-event-type");
    private static final Pattern PY_DATETIME = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?([+-]\\d{2}:\\d{2})?$");

    private HookRequests() {}

    /** Checks the caller's credentials against the hook's, in constant time. */
    public static void authenticate(Hook hook, Incoming in, long nowMs) throws Refused {
        Hook.Auth a = hook.auth();
        switch (a.type()) {
            case "bearer" -> {
                String h = in.header("Authorization");
                if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) throw missing("send 'Authorization: Bearer <token>'");
                same(h.substring(7).strip(), a.secret());
            }
            case "api_key" -> {
                String key = in.header(a.header());
                if (key == null && in.query().containsKey("api_key")) key = in.query().get("api_key").getFirst();
                if (key == null && hook.format().equals("local_webhooks")) key = bodyToken(in); // the plugin sends its token in the body
                if (key == null) throw missing("send the key in " + a.header() + " (or ?api_key=)");
                same(key, a.secret());
            }
            case "basic" -> {
                String h = in.header("Authorization");
                if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) throw missing("send 'Authorization: Basic …' (or https://user:password@… in the sender's URL)");
                String pair;
                try {
                    pair = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new Refused(Refused.Kind.WRONG_CREDENTIALS, "the Basic credentials are not base64");
                }
                int colon = pair.indexOf(':');
                boolean userOk = colon >= 0 && MessageDigest.isEqual(pair.substring(0, colon).getBytes(StandardCharsets.UTF_8),
                        a.username().getBytes(StandardCharsets.UTF_8));
                same(colon < 0 ? "" : pair.substring(colon + 1), a.secret());
                if (!userOk) throw new Refused(Refused.Kind.WRONG_CREDENTIALS, "wrong user or password");
            }
            default -> { // standard_webhooks
                String id = in.header("webhook-id"), ts = in.header("webhook-timestamp"), sig = in.header("webhook-signature");
                if (id == null || ts == null || sig == null) throw missing("send webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks)");
                long seconds;
                try {
                    seconds = Long.parseLong(ts.strip());
                } catch (NumberFormatException e) {
                    throw new Refused(Refused.Kind.WRONG_CREDENTIALS, "webhook-timestamp is not a number of seconds");
                }
                if (Math.abs(nowMs / 1000 - seconds) > a.toleranceS()) {
                    throw new Refused(Refused.Kind.WRONG_CREDENTIALS, "webhook-timestamp is more than " + a.toleranceS() + " s from now");
                }
                if (!Signer.verifyStandard(a.secret(), id, seconds, in.body(), sig)) {
                    throw new Refused(Refused.Kind.WRONG_CREDENTIALS, "webhook-signature does not match the body");
                }
            }
        }
    }

    private static Refused missing(String what) {
        return new Refused(Refused.Kind.MISSING_CREDENTIALS, what);
    }

    private static void same(String given, String expected) throws Refused {
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new Refused(Refused.Kind.WRONG_CREDENTIALS, "the credentials are wrong");
        }
    }

    /** The body's top-level {@code "token"}, read as a stream: the body is parsed as a tree once, for its event. */
    private static String bodyToken(Incoming in) {
        try (var p = Json.MAPPER.createParser(in.body())) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return null;
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                var value = p.nextToken();
                if (name.equals("token")) return value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? p.getText() : null;
                p.skipChildren();
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The event document the request describes (an event as ingest takes it). */
    public static ObjectNode event(Hook hook, Incoming in, OpenEdxSchemas schemas, long nowMs) throws Refused {
        if (in.body().length == 0) throw new Refused(Refused.Kind.UNREADABLE, "the body is empty");
        ObjectNode event = switch (hook.format()) {
            case "local_webhooks" -> moodle(object(in), hook, false);
            case "nosey" -> moodle(object(in), hook, true);
            case "openedx_webhooks" -> openedx(in, hook, schemas);
            default -> generic(hook, in, nowMs);
        };
        // Held to what the ingest API holds its bodies to: a NUL (which PostgreSQL refuses), a lone
        // surrogate, or numbers that written out in full would be gigabytes (1e999999999).
        Json.Unstorable bad = Json.unstorable(event, in.body().length);
        if (bad != null) throw new Refused(Refused.Kind.UNREADABLE, bad.path() + " " + bad.reason());
        return event;
    }

    private static ObjectNode generic(Hook hook, Incoming in, long nowMs) throws Refused {
        JsonNode data;
        try {
            data = Json.read(in.body(), in.trees());
        } catch (IllegalArgumentException e) {
            throw new Refused(Refused.Kind.UNREADABLE, "the body is not JSON: " + e.getMessage());
        }
        String messageId = in.header("webhook-id");
        ObjectNode e = Json.object();
        // a signed message's id makes a re-sent one the same event (stored once); others get a fresh id
        e.put("id", messageId != null ? "hook-" + hook.name() + "-" + messageId : Ids.newId("hook"));
        e.put("type", hook.eventType());
        e.put("source", "hook:" + hook.name());
        e.put("time", Instant.ofEpochMilli(nowMs).toString());
        e.set("data", data);
        ObjectNode kept = e.putObject("headers");
        // Never the hook's own credential, whichever header it was told to come in.
        String credential = hook.auth() != null && hook.auth().header() != null ? hook.auth().header().toLowerCase(Locale.ROOT) : null;
        in.headers().forEach((k, v) -> {
            if (KEPT_HEADERS.contains(k) && !k.equals(credential)) kept.put(k, v);
        });
        return e;
    }

    /** local_webhooks' body (Moodle's get_data() with host, token and extra) or nosey's ({"event", "record"}) as the Moodle event. */
    private static ObjectNode moodle(ObjectNode body, Hook hook, boolean nosey) throws Refused {
        ObjectNode event = nosey ? (body.path("event").isObject() ? (ObjectNode) body.get("event").deepCopy() : null) : body.deepCopy();
        if (event == null || !event.path("eventname").isTextual()) {
            throw new Refused(Refused.Kind.UNREADABLE, nosey ? "not a nosey request: no event.eventname" : "not a local_webhooks request: no eventname");
        }
        String host = event.path("host").asText(null);
        event.remove(List.of("host", "token", "extra"));
        if (nosey && body.has("record")) event.set("record", body.get("record"));
        if (!event.has("source")) event.put("source", host != null && !host.isBlank() ? host : "hook:" + hook.name());
        return event;
    }

    private static ObjectNode object(Incoming in) throws Refused {
        try {
            JsonNode doc = Json.read(in.body(), in.trees());
            if (doc.isObject()) return (ObjectNode) doc;
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw new Refused(Refused.Kind.UNREADABLE, "the body is not a JSON object");
    }

    /**
     * openedx-webhooks' relay: {@code {"<module>.<DataClass>": {...}, "event_metadata": {...}}} as JSON, or
     * flattened into a form with Python's str() of each leaf (the plugin's use_www_form_encoding), as
     * the generic event the event bus gives for the same emission (same id, type, data shape).
     */
    private static ObjectNode openedx(Incoming in, Hook hook, OpenEdxSchemas schemas) throws Refused {
        byte[] body = in.body();
        String text = new String(body, StandardCharsets.UTF_8);
        ObjectNode metadata;
        String dataKey;
        JsonNode dataDict;
        OpenEdxSchemas.Type type;
        if (text.stripLeading().startsWith("{")) { // JSON, whatever the Content-Type says (the plugin before v20 posted JSON as a form)
            ObjectNode doc = object(in);
            metadata = doc.path("event_metadata").isObject() ? (ObjectNode) doc.get("event_metadata") : Json.object();
            dataKey = null;
            for (var name : (Iterable<String>) doc::fieldNames) if (!name.equals("event_metadata")) dataKey = name;
            if (dataKey == null) throw new Refused(Refused.Kind.UNREADABLE, "no data object beside event_metadata");
            type = schemas.type(typeOf(metadata, hook)).orElse(null);
            dataDict = normalizeTimes(doc.get(dataKey).deepCopy());
        } else {
            Map<String, String> flat = form(text);
            metadata = Json.object();
            Map<String, String> rest = new LinkedHashMap<>();
            flat.forEach((k, v) -> {
                if (k.startsWith("event_metadata_")) metadata.put(k.substring("event_metadata_".length()), v);
                else rest.put(k, v);
            });
            if (rest.isEmpty()) throw new Refused(Refused.Kind.UNREADABLE, "the form has no data fields beside event_metadata_*");
            // A form carries each value as Python's str(): the number and the list back as the JSON encoding has them.
            String minor = metadata.path("minorversion").asText("");
            if (minor.matches("\\d{1,9}")) metadata.put("minorversion", Integer.parseInt(minor));
            JsonNode lib = metadata.has("sourcelib") ? PythonText.parseLiteral(metadata.get("sourcelib").asText()) : null;
            if (lib != null && lib.isArray()) metadata.set("sourcelib", lib);
            String first = rest.keySet().iterator().next();
            int dot = first.lastIndexOf('.');
            int cut = first.indexOf('_', Math.max(dot, 0));
            dataKey = cut < 0 ? first : first.substring(0, cut);
            type = schemas.type(typeOf(metadata, hook)).orElse(null);
            Map<String, String> fields = new LinkedHashMap<>();
            String prefix = dataKey + "_";
            rest.forEach((k, v) -> fields.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, v));
            if (type != null) {
                Schema record = OpenEdxSchemas.nonNull(type.schema().getFields().get(0).schema());
                ObjectNode d = Json.object();
                fill(d, record, "", fields);
                dataDict = d;
            } else {
                ObjectNode d = Json.object();
                fields.forEach(d::put);
                dataDict = d;
            }
        }
        String eventType = typeOf(metadata, hook);
        if (eventType == null) throw new Refused(Refused.Kind.UNREADABLE, "event_metadata.event_type is missing and the hook names no event_type");
        ObjectNode e = Json.object();
        String id = metadata.path("id").asText(null);
        e.put("id", id != null && !id.isBlank() ? id : Ids.newId("oex"));
        e.put("type", eventType);
        e.put("source", metadata.path("source").asText("openedx"));
        String time = EventBusMessages.rfc3339(metadata.path("time").asText(null));
        if (time != null) e.put("time", time);
        String className = dataKey.substring(dataKey.lastIndexOf('.') + 1);
        ObjectNode data = e.putObject("data");
        if (type != null) {
            data.set(type.topField(), dataDict);
        } else {
            data.set(className, dataDict);
            e.put("schema_unknown", true);
        }
        if (metadata.has("minorversion")) e.set("minorversion", metadata.get("minorversion"));
        if (metadata.has("sourcehost")) e.set("sourcehost", metadata.get("sourcehost"));
        if (metadata.has("sourcelib")) e.set("sourcelib", metadata.get("sourcelib"));
        e.put("herald_source", "hook:" + hook.name());
        return e;
    }

    private static String typeOf(ObjectNode metadata, Hook hook) {
        String t = metadata.path("event_type").asText(null);
        return t != null && !t.isBlank() ? t : hook.eventType();
    }

    /** The plugin's flattened form back into the record, guided by the schema (field names contain '_' too). */
    private static void fill(ObjectNode out, Schema record, String prefix, Map<String, String> flat) {
        for (Schema.Field f : record.getFields()) {
            String key = prefix.isEmpty() ? f.name() : prefix + "_" + f.name();
            Schema t = OpenEdxSchemas.nonNull(f.schema());
            if (t.getType() == Schema.Type.RECORD) {
                boolean any = flat.keySet().stream().anyMatch(k -> k.startsWith(key + "_"));
                if (any) fill(out.putObject(f.name()), t, key, flat);
                else if (flat.containsKey(key)) out.set(f.name(), leaf(f.schema(), flat.get(key)));
                else out.putNull(f.name()); // the plugin leaves no field for an empty or absent record
            } else if (flat.containsKey(key)) {
                out.set(f.name(), leaf(f.schema(), flat.get(key)));
            }
        }
    }

    private static JsonNode leaf(Schema declared, String v) {
        var nodes = Json.MAPPER.getNodeFactory();
        boolean nullable = declared.getType() == Schema.Type.UNION && declared.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
        if (nullable && v.equals("None")) return nodes.nullNode();
        Schema t = OpenEdxSchemas.nonNull(declared);
        try {
            return switch (t.getType()) {
                case BOOLEAN -> v.equals("True") ? nodes.booleanNode(true) : v.equals("False") ? nodes.booleanNode(false) : nodes.textNode(v);
                case INT, LONG -> nodes.numberNode(Long.parseLong(v));
                case FLOAT, DOUBLE -> nodes.numberNode(Double.parseDouble(v));
                case ARRAY, MAP -> {
                    JsonNode parsed = PythonText.parseLiteral(v);
                    yield parsed != null ? parsed : nodes.textNode(v);
                }
                case RECORD -> nodes.nullNode();
                default -> nodes.textNode(PY_DATETIME.matcher(v).matches() ? v.replaceFirst(" ", "T") : v);
            };
        } catch (NumberFormatException e) {
            return nodes.textNode(v);
        }
    }

    /** Datetimes the relay wrote with Python's str() ({@code 2023-01-31 20:28:10.976084+00:00}) as the bus writes them (with 'T'). */
    private static JsonNode normalizeTimes(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (var name : (Iterable<String>) o::fieldNames) {
                JsonNode v = o.get(name);
                if (v.isTextual() && PY_DATETIME.matcher(v.textValue()).matches()) o.put(name, v.textValue().replaceFirst(" ", "T"));
                else normalizeTimes(v);
            }
        } else if (n != null && n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode v = n.get(i);
                if (v.isTextual() && PY_DATETIME.matcher(v.textValue()).matches()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) n).set(i, v.textValue().replaceFirst(" ", "T"));
                } else {
                    normalizeTimes(v);
                }
            }
        }
        return n;
    }

    /** An application/x-www-form-urlencoded body; a repeated key keeps its last value. */
    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
