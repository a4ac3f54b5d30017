package herald.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.rendering.Formats;
import herald.rendering.Renderer;
import herald.subscription.ServiceJson;
import herald.subscription.SubscriptionJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The {@code moodle} format of events read from the log table against what a live Moodle 4.3
 * produced: {@code json_encode($event->get_data())}, captured in the PHP process when each event was
 * triggered (shared/fixtures/moodle-4.3-live). local_webhooks sent exactly that, then host, token, extra.
 */
class LiveMoodleCorpusTest {
    static final Path DIR = Path.of(System.getProperty("herald.fixtures", "../../shared/fixtures"), "moodle-4.3-live");

    @Test
    void atLeast99PercentOfTheLiveEventsAreByteIdenticalToGetData() throws Exception {
        Map<Long, String> captured = new HashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("get_data.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode j = Json.read(line);
            captured.put(j.get("log_id").asLong(), j.get("get_data_json").asText());
        }
        var renderer = new Renderer();
        var formats = new Formats();
        var service = ServiceJson.parse(Json.object().put("name", "lw").put("url", "http://127.0.0.1:1/"), null)
                .withId("svc_1", 1, 1);
        var sub = SubscriptionJson.parse(Json.read("{\"service_id\":\"svc_1\",\"events\":[\"*\"],\"format\":\"moodle\"}"), null,
                formats);
        String tail = ",\"host\":\"\",\"token\":\"\",\"extra\":\"\"}";
        int same = 0, total = 0;
        Map<String, Integer> wrongByClass = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        for (MoodleLog.Row row : rows(DIR.resolve("logstore_standard_log.csv"))) {
            String expected = captured.get(row.id());
            if (expected == null) continue;
            total++;
            var event = MoodleLog.toEvent("src", row);
            String body = new String(renderer.preview(null, event.body(), service, sub).rendered().body(), StandardCharsets.UTF_8);
            assertThat(body).endsWith(tail);
            String got = body.substring(0, body.length() - tail.length()) + "}";
            if (got.equals(expected)) {
                same++;
            } else {
                wrongByClass.merge(row.eventname(), 1, Integer::sum);
                if (examples.size() < 5) examples.add(row.id() + ":\n  moodle " + expected + "\n  herald " + got);
            }
        }
        assertThat(total).isGreaterThan(3000);
        assertThat(same * 100.0 / total).as("byte-identical share; wrong by class %s; e.g. %s", wrongByClass, examples)
                .isGreaterThanOrEqualTo(99.0);
    }

    /** The log rows of a corpus CSV (RFC 4180; an empty field is SQL NULL). */
    static List<MoodleLog.Row> rows(Path csv) throws IOException {
        List<List<String>> records = parse(Files.readString(csv));
        List<String> header = records.get(0);
        List<MoodleLog.Row> out = new ArrayList<>();
        for (List<String> r : records.subList(1, records.size())) {
            if (r.size() < header.size()) continue;
            Map<String, String> f = new HashMap<>();
            for (int i = 0; i < header.size(); i++) f.put(header.get(i), r.get(i));
            out.add(new MoodleLog.Row(num(f, "id"), f.get("eventname"), f.get("component"), f.get("action"), f.get("target"),
                    nullable(f.get("objecttable")), nullableNum(f, "objectid"), f.get("crud"), num(f, "edulevel"),
                    num(f, "contextid"), num(f, "contextlevel"), num(f, "contextinstanceid"), num(f, "userid"),
                    nullableNum(f, "courseid"), nullableNum(f, "relateduserid"), num(f, "anonymous"), nullable(f.get("other")),
                    num(f, "timecreated"), nullable(f.get("origin")), nullable(f.get("ip")), nullableNum(f, "realuserid")));
        }
        return out;
    }

    private static String nullable(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static long num(Map<String, String> f, String k) {
        return Long.parseLong(f.get(k));
    }

    private static Long nullableNum(Map<String, String> f, String k) {
        String v = f.get(k);
        return v == null || v.isEmpty() ? null : Long.parseLong(v);
    }

    private static List<List<String>> parse(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                record.add(field.toString());
                field.setLength(0);
                out.add(record);
                record = new ArrayList<>();
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (!field.isEmpty() || !record.isEmpty()) {
            record.add(field.toString());
            out.add(record);
        }
        return out;
    }
}
