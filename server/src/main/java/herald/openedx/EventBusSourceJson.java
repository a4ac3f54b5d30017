package herald.openedx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** An Open edX event bus source as the API reads and writes it; the password in {@code redis_url} is shown masked. */
public final class EventBusSourceJson {
    public static final String TYPE = "openedx";
    static final String MASK = "********";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private EventBusSourceJson() {}

    public static EventBusSource parse(JsonNode in, EventBusSource existing) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(in, "", errors);
        f.rejectUnknown("id", "name", "type", "redis_url", "topic_prefix", "topics", "start", "batch_size", "trim_length", "claim_idle_s",
                "enabled", "created_at", "updated_at", "status");
        String name = f.string("name", true, 100, null);
        if (name != null && !NAME.matcher(name).matches()) {
            errors.add("name", "may contain letters, digits, '.', '_' and '-' and must start with a letter or digit");
        }
        f.oneOf("type", TYPE, TYPE);
        String url = f.string("redis_url", true, 2048, null);
        if (url != null) {
            url = unmasked(url, existing == null ? null : existing.redisUrl());
            String why = urlProblem(url);
            if (why != null) errors.add("redis_url", why);
        }
        String prefix = f.string("topic_prefix", false, 100, "dev");
        if (!prefix.isEmpty() && !TOPIC.matcher(prefix).matches()) errors.add("topic_prefix", "may contain letters, digits, '.', '_' and '-'");
        List<String> topics = f.strings("topics", 50, 200);
        if (topics == null || topics.isEmpty()) {
            if (!errors.list().stream().anyMatch(e -> e.field().startsWith("topics"))) {
                errors.add("topics", "name one or more topics, such as learning-course-enrollment-lifecycle");
            }
        } else {
            for (int i = 0; i < topics.size(); i++) {
                if (!TOPIC.matcher(topics.get(i)).matches()) errors.add("topics[" + i + "]", "may contain letters, digits, '.', '_' and '-'");
            }
        }
        String start = f.oneOf("start", "now", "now", "beginning");
        int batch = f.integer("batch_size", 1, 1000, 100);
        int trim = f.integer("trim_length", 100, 100_000_000, 10_000);
        int claimIdle = f.integer("claim_idle_s", 1, 86_400, 60);
        boolean enabled = f.bool("enabled", true);
        errors.throwIfAny();
        return new EventBusSource(existing == null ? null : existing.id(), name, url, prefix, List.copyOf(topics), start, batch, trim,
                claimIdle, enabled, existing == null ? 0 : existing.createdAt(), existing == null ? 0 : existing.updatedAt());
    }

    public static ObjectNode toJson(EventBusSource s, boolean revealSecrets) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        o.put("name", s.name());
        o.put("type", TYPE);
        o.put("redis_url", revealSecrets ? s.redisUrl() : masked(s.redisUrl()));
        o.put("topic_prefix", s.topicPrefix());
        s.topics().forEach(o.putArray("topics")::add);
        o.put("start", s.start());
        o.put("batch_size", s.batchSize());
        o.put("trim_length", s.trimLength());
        o.put("claim_idle_s", s.claimIdleS());
        o.put("enabled", s.enabled());
        if (s.createdAt() > 0) {
            o.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
            o.put("updated_at", Instant.ofEpochMilli(s.updatedAt()).toString());
        }
        return o;
    }

    /** Whether a source document is of this type (the API's sources are Moodle ones unless they say otherwise). */
    public static boolean isOpenEdx(JsonNode doc) {
        return doc != null && TYPE.equals(doc.path("type").asText(null));
    }

    static String urlProblem(String url) {
        try {
            URI u = new URI(url);
            if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) return "must be redis://host:6379/0 or rediss://…";
            if (u.getHost() == null || u.getHost().isEmpty()) return "must name a host";
            String path = u.getPath() == null ? "" : u.getPath();
            if (!path.isEmpty() && !path.matches("/\\d{0,2}")) return "the path must be a database number, such as /0";
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }

    /** The URL with its password (if any) replaced by the mask: {@code redis://user:********@host}, {@code redis://:********@host}. */
    static String masked(String url) {
        String info;
        try {
            info = new URI(url).getRawUserInfo();
        } catch (URISyntaxException e) {
            return url;
        }
        if (info == null || info.isEmpty()) return url;
        int colon = info.indexOf(':');
        String shown = colon >= 0 ? info.substring(0, colon + 1) + MASK : MASK; // without ':' the userinfo is the password
        return url.replaceFirst(Pattern.quote(info + "@"), java.util.regex.Matcher.quoteReplacement(shown + "@"));
    }

    /** A URL sent back with the mask keeps the stored password. */
    private static String unmasked(String given, String stored) {
        if (stored == null || !given.contains(MASK)) return given;
        String storedMasked = masked(stored);
        return storedMasked.equals(given) ? stored : given;
    }
}
