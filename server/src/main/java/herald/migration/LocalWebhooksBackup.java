package herald.migration;

import com.fasterxml.jackson.databind.JsonNode;
import herald.event.PhpUnserialize;
import herald.problem.Problem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A backup file of the Moodle plugin local_webhooks ({@code webhooks_<time>.backup}), read safely.
 * Version 3 wrote {@code base64(gzcompress(serialize($records)))} with each record's {@code events}
 * packed the same way (or, in a later 3.x, already unpacked); 4.0.0-rc wrote plain
 * {@code serialize($records)} with {@code events} an array or null. Records are {@code stdClass}
 * objects keyed by id; every value is a string. Only stdClass is read, nothing is instantiated.
 */
public final class LocalWebhooksBackup {
    /** The most bytes a backup may inflate to: a plugin's services are a few kilobytes. */
    static final int MAX_INFLATED = 16 * 1024 * 1024;

    /** One service of the plugin, as it stored it. */
    public record Record(String id, String title, String url, String type, String token, String other, boolean enabled,
                         List<String> events) {}

    private LocalWebhooksBackup() {}

    /** The records of a backup file; an invalid-request problem naming the place when it is not one. */
    public static List<Record> read(byte[] file) {
        String text = new String(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) throw Problem.invalid("body", "is empty: give the contents of a local_webhooks .backup file");
        JsonNode root = text.startsWith("a:") ? unserialize(text, "body") : unserialize(unpack(text, "body"), "body");
        if (!root.isObject() && !root.isArray()) throw Problem.invalid("body", "does not hold a list of services");
        List<Record> out = new ArrayList<>();
        int i = 0;
        for (JsonNode r : root) {
            String at = "records[" + i++ + "]";
            if (!r.isObject()) throw Problem.invalid(at, "is not a service record");
            out.add(new Record(text(r, "id"), text(r, "title"), text(r, "url"), text(r, "type"), text(r, "token"),
                    text(r, "other"), truthy(r.get("enable")), events(r.get("events"), at + ".events")));
        }
        return out;
    }

    /** The events a record sends: the names whose checkbox value is set ({@code "1"}). An empty list sends nothing. */
    private static List<String> events(JsonNode v, String at) {
        if (v == null || v.isNull()) return List.of();
        if (v.isTextual()) {
            if (v.textValue().isEmpty()) return List.of();
            v = unserialize(unpack(v.textValue(), at), at); // version 3 packs them as the file is packed
        }
        List<String> out = new ArrayList<>();
        if (v.isObject()) {
            v.properties().forEach(e -> {
                if (truthy(e.getValue())) out.add(e.getKey());
            });
        } else if (v.isArray()) {
            v.forEach(n -> {
                if (n.isTextual() && n.textValue().startsWith("\\")) out.add(n.textValue());
            });
        } else {
            throw Problem.invalid(at, "is not a list of events");
        }
        return out;
    }

    /** PHP's truthiness: null, false, 0, "", "0" are false. */
    static boolean truthy(JsonNode v) {
        if (v == null || v.isNull()) return false;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isNumber()) return v.doubleValue() != 0;
        if (v.isTextual()) return !v.textValue().isEmpty() && !v.textValue().equals("0");
        return !v.isEmpty();
    }

    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** base64 of zlib data (PHP's gzcompress), inflated under a size limit. */
    private static String unpack(String text, String at) {
        byte[] packed;
        try {
            packed = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw Problem.invalid(at, "is neither PHP serialize() output nor base64: not a local_webhooks backup");
        }
        Inflater inflater = new Inflater();
        inflater.setInput(packed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw Problem.invalid(at, "is base64 but not complete zlib (gzcompress) data");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED) throw Problem.invalid(at, "inflates to more than " + MAX_INFLATED + " bytes");
            }
        } catch (DataFormatException e) {
            throw Problem.invalid(at, "is base64 but not zlib (gzcompress) data");
        } finally {
            inflater.end();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode unserialize(String text, String at) {
        try {
            return PhpUnserialize.parse(text, true);
        } catch (PhpUnserialize.Invalid e) {
            throw Problem.invalid(at, "is not PHP serialize() data this import reads: " + e.getMessage());
        }
    }
}
