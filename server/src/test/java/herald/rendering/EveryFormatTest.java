package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.SampleEvents;
import herald.event.Event;
import herald.json.Json;
import herald.subscription.Service;
import herald.subscription.Subscription;
import herald.testing.MoodleFixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every catalog sample and every real Moodle 4.3 log row renders in every format and encoding, and
 * the Moodle formats keep Moodle's types: ints stay ints, {@code other} arrives decoded.
 */
class EveryFormatTest {
    static final String TEMPLATE = """
            {"name": "{{eventname}}{{type}}", "user": {{userid}}, "other": {{other}}, "data": {{data}},
             "record": {{record}}, "host": "{{host}}"{{#record}}, "row": {{id}}{{/record}}}""";
    static final List<String> SERVICES = List.of("{}", "{\"content_type\": \"form\"}",
            "{\"content_type\": \"form\", \"form_style\": \"brackets\"}", "{\"method\": \"GET\"}");

    private static final Formats FORMATS = new Formats();
    private final Renderer renderer = new Renderer();

    private static List<Subscription> subscriptions() {
        List<Subscription> out = new ArrayList<>();
        for (String format : new Formats().names()) {
            ObjectNode spec = Json.object().put("format", format);
            if (format.equals("template")) spec.put("template", TEMPLATE);
            out.add(Specs.subscription(Json.write(spec)));
        }
        return out;
    }

    private int renderAll(ObjectNode event) throws RenderException {
        int n = 0;
        for (String svc : SERVICES) {
            Service service = Specs.service(svc);
            for (Subscription sub : subscriptions()) {
                String type = event.has("eventname") ? event.get("eventname").asText() : event.path("type").asText();
                if (!FORMATS.renders(sub.format(), type, event)) continue; // xapi: events without a statement are not routed to it
                Rendered r = renderer.preview(null, event.deepCopy(), service, sub).rendered();
                assertThat(r.body().length + r.url().length()).as("%s %s %s", event.path("id"), svc, sub.format()).isPositive();
                n++;
            }
        }
        return n;
    }

    @Test
    void everyCatalogSampleRendersInEveryFormatAndEncoding() throws RenderException {
        var samples = new SampleEvents().all();
        assertThat(samples).hasSizeGreaterThanOrEqualTo(70);
        int n = 0;
        for (ObjectNode sample : samples.values()) n += renderAll(sample);
        // every format renders every sample, but those for learning record stores only the events they map
        long general = FORMATS.names().stream().filter(f -> FORMATS.renders(f, "no.such.event", null)).count();
        assertThat(general).isEqualTo(FORMATS.names().size() - 2);
        assertThat(n).isGreaterThan((int) (samples.size() * SERVICES.size() * general));
    }

    @Test
    void everyMoodleLogRowRendersInEveryFormatAndEncoding() throws RenderException {
        List<ObjectNode> rows = MoodleFixtures.events();
        assertThat(rows).hasSize(242);
        for (ObjectNode row : rows) renderAll(row);
    }

    @Test
    void moodleFormatKeepsMoodlesTypesAndDecodesOther() throws RenderException {
        Subscription moodle = Specs.subscription("{\"format\": \"moodle\"}");
        Service json = Specs.service("{}");
        for (ObjectNode row : MoodleFixtures.events()) {
            JsonNode out = Json.read(new String(renderer.preview(null, row.deepCopy(), json, moodle).rendered().body(), StandardCharsets.UTF_8));
            for (String f : herald.event.Event.MOODLE_FIELDS) {
                if (f.equals("other")) continue;
                assertThat(out.get(f).getNodeType()).as("%s %s", row.get("id"), f).isEqualTo(row.get(f).getNodeType());
            }
            JsonNode other = out.get("other");
            assertThat(other.isTextual()).as("%s other decoded: %s", row.get("id"), other).isFalse();
            String raw = row.get("other").asText();
            if (raw.startsWith("{") || raw.startsWith("[") || raw.equals("null")) {
                assertThat(other).as("%s", row.get("id")).isEqualTo(Json.read(raw));
            }
        }
    }

    @Test
    void serializedAndJsonOtherOfTheSameStepDecodeToTheSameKeys() throws RenderException {
        // The fixture's two batches ran the same steps, the first with serialize(), the second with JSON.
        List<ObjectNode> rows = MoodleFixtures.events();
        Subscription moodle = Specs.subscription("{\"format\": \"moodle\"}");
        Service json = Specs.service("{}");
        for (int i = 0; i < 121; i++) {
            ObjectNode serialized = rows.get(i), asJson = rows.get(i + 121);
            assertThat(serialized.get("eventname")).isEqualTo(asJson.get("eventname"));
            JsonNode a = Json.read(new String(renderer.preview(null, serialized, json, moodle).rendered().body(), StandardCharsets.UTF_8)).get("other");
            JsonNode b = Json.read(new String(renderer.preview(null, asJson, json, moodle).rendered().body(), StandardCharsets.UTF_8)).get("other");
            assertThat(a.getNodeType()).as("log %s", serialized.get("id")).isEqualTo(b.getNodeType());
            if (a.isObject()) {
                assertThat(iterableNames(a)).as("log %s", serialized.get("id")).isEqualTo(iterableNames(b));
            }
        }
    }

    private static List<String> iterableNames(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
