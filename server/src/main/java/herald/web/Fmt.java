package herald.web;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** Formatting for the templates: times, durations, JSON, and reading values out of API documents. */
public final class Fmt {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Fmt() {}

    public static String time(long millis) {
        return millis <= 0 ? "—" : TIME.format(Instant.ofEpochMilli(millis));
    }

    public static String time(Long millis) {
        return millis == null ? "—" : time(millis.longValue());
    }

    /** The day of {@link #time}, for a table cell that shows it on a line of its own on a phone (tag/when.jte). */
    public static String day(long millis) {
        return DAY.format(Instant.ofEpochMilli(millis));
    }

    /** The rest of {@link #time}: the clock and its zone. */
    public static String clock(long millis) {
        return CLOCK.format(Instant.ofEpochMilli(millis));
    }

    /** "3 min ago", "in 2 h": how far from now. */
    /**
     * The dotted paths whose values differ between two JSON documents (an audit entry's before and
     * after), at most 20; empty when either is missing.
     */
    public static java.util.List<String> changed(com.fasterxml.jackson.databind.JsonNode before, com.fasterxml.jackson.databind.JsonNode after) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (before != null && after != null) changed("", before, after, out);
        return out;
    }

    private static void changed(String at, com.fasterxml.jackson.databind.JsonNode a, com.fasterxml.jackson.databind.JsonNode b,
                                java.util.List<String> out) {
        if (out.size() >= 20 || java.util.Objects.equals(a, b)) return;
        if (a != null && b != null && a.isObject() && b.isObject()) {
            java.util.Set<String> keys = new java.util.LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) changed(at.isEmpty() ? k : at + "." + k, a.get(k), b.get(k), out);
        } else {
            out.add(at.isEmpty() ? "(the whole)" : at);
        }
    }

    /** A service's name, or its id marked as gone (its deliveries outlive it). */
    public static String serviceName(java.util.Map<String, String> names, String id) {
        String name = names.get(id);
        return name != null ? name : id + " (deleted)";
    }

    public static String ago(long millis) {
        if (millis <= 0) return "—";
        long d = System.currentTimeMillis() - millis;
        String span = span(Math.abs(d) / 1000);
        return d >= 0 ? span + " ago" : "in " + span;
    }

    public static String span(long seconds) {
        if (seconds < 60) return seconds + " s";
        if (seconds < 3600) return seconds / 60 + " min";
        if (seconds < 86_400) return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }

    public static String ms(Long ms) {
        if (ms == null) return "—";
        return ms < 1000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }

    public static String percent(Double rate) {
        return rate == null ? "—" : String.format("%.1f %%", rate * 100);
    }

    /** A value that may be missing (an event posted without a source, say): a dash rather than nothing. */
    public static String text(String value) {
        return value == null || value.isBlank() ? "—" : value;
    }

    public static String number(long n) {
        return String.format("%,d", n);
    }

    /**
     * Larger JSON text is shown as it is: re-indented, a 1 MiB body of short members was some 20 MiB
     * of page (a line and its indent for each), several copies of it while the page was built.
     */
    static final int PRETTY_MAX_CHARS = 64 * 1024;

    /** Pretty JSON of a document or of JSON text up to {@link #PRETTY_MAX_CHARS}; other text as it is. */
    public static String pretty(String text) {
        if (text == null) return "";
        if (text.length() > PRETTY_MAX_CHARS) return text;
        String t = text.strip();
        if (!(t.startsWith("{") || t.startsWith("["))) return text;
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.read(t));
        } catch (Exception e) {
            return text;
        }
    }

    public static String pretty(JsonNode node) {
        if (node == null || node.isNull()) return "";
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (Exception e) {
            return node.toString();
        }
    }

    /** The text at a dotted path of a document ("" when absent or null); numbers and booleans as text. */
    public static String at(JsonNode doc, String path) {
        JsonNode v = node(doc, path);
        if (v == null || v.isNull() || v.isMissingNode()) return "";
        if (v.isContainerNode()) return v.toString();
        return v.asText();
    }

    public static boolean flag(JsonNode doc, String path, boolean fallback) {
        JsonNode v = node(doc, path);
        return v == null || v.isNull() || v.isMissingNode() ? fallback : v.asBoolean();
    }

    public static JsonNode node(JsonNode doc, String path) {
        JsonNode v = doc;
        for (String p : path.split("\\.")) {
            if (v == null) return null;
            v = v.get(p);
        }
        return v;
    }

    /** Headers kept as JSON ({"Name": "value"} or {"Name": ["a", "b"]}) as the "Name: value" lines of HTTP. */
    public static String headers(String json) {
        if (json == null || json.isBlank()) return "";
        JsonNode h;
        try {
            h = Json.read(json);
        } catch (IllegalArgumentException e) {
            return json;
        }
        StringBuilder b = new StringBuilder();
        h.properties().forEach(e -> {
            if (e.getValue().isArray()) e.getValue().forEach(v -> b.append(e.getKey()).append(": ").append(v.asText()).append('\n'));
            else b.append(e.getKey()).append(": ").append(e.getValue().asText()).append('\n');
        });
        return b.toString();
    }

    /** An object of strings as "Name: value" lines (headers). */
    public static String lines(JsonNode obj) {
        if (obj == null || !obj.isObject()) return "";
        StringBuilder b = new StringBuilder();
        obj.properties().forEach(e -> b.append(e.getKey()).append(": ").append(e.getValue().asText()).append('\n'));
        return b.toString();
    }

    public static String lines(Map<String, String> map) {
        StringBuilder b = new StringBuilder();
        if (map != null) map.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        return b.toString();
    }

    /** An array as one item per line. */
    public static String list(JsonNode arr) {
        if (arr == null || !arr.isArray()) return "";
        StringBuilder b = new StringBuilder();
        arr.forEach(v -> b.append(v.asText()).append('\n'));
        return b.toString();
    }

    /** A status's CSS class: good, bad, warn or quiet. */
    public static String tone(String status) {
        return switch (status == null ? "" : status) {
            case "delivered", "closed", "running", "tailing", "reading", "up", "ok" -> "good";
            case "dead", "open", "failing", "error" -> "bad";
            case "retrying", "half_open", "paused", "pending", "delivering", "catching_up" -> "warn";
            default -> "quiet";
        };
    }

    public static String tone(Integer httpStatus) {
        if (httpStatus == null) return "bad";
        return httpStatus >= 200 && httpStatus < 300 ? "good" : httpStatus >= 500 || httpStatus == 410 ? "bad" : "warn";
    }

    /** URL-encodes a query value or path segment. */
    public static String url(String s) {
        return s == null ? "" : java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
