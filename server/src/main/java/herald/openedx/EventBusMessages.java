package herald.openedx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** An event-bus-redis stream entry as a generic event document. */
public final class EventBusMessages {
    private EventBusMessages() {}

    static String header(Map<String, byte[]> body, String name) {
        byte[] v = body.get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /**
     * The event document of a decoded entry: {@code id}, {@code type}, {@code source} and {@code time}
     * from its headers (the time as RFC 3339 UTC), {@code data} the record, and the other headers kept.
     */
    static ObjectNode event(Map<String, byte[]> body, ObjectNode data, String sourceId, String stream, String entryId) {
        ObjectNode e = Json.object();
        e.put("id", header(body, "id"));
        e.put("type", header(body, "type"));
        e.put("source", header(body, "source") == null ? "openedx" : header(body, "source"));
        String time = rfc3339(header(body, "time"));
        if (time != null) e.put("time", time);
        e.set("data", data);
        String minor = header(body, "minorversion");
        if (minor != null && minor.matches("\\d{1,9}")) e.put("minorversion", Integer.parseInt(minor));
        if (header(body, "sourcehost") != null) e.put("sourcehost", header(body, "sourcehost"));
        if (header(body, "sourcelib") != null) e.put("sourcelib", header(body, "sourcelib"));
        e.put("herald_source", sourceId);
        e.put("stream", stream);
        e.put("entry_id", entryId);
        return e;
    }

    /**
     * Python's {@code isoformat()} or {@code str()} of a datetime ({@code 2026-08-21T10:00:00.123456+00:00},
     * {@code 2026-08-21 10:00:00+00:00}, or naive: UTC) as RFC 3339 UTC; null when it is no time.
     */
    public static String rfc3339(String iso) {
        if (iso == null || iso.isBlank()) return null;
        String t = iso.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant().toString();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toString();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
