package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any JSON value survives the json encoding, PHP's json_encode writer, and {@code {{path}}} in a template. */
class JsonRoundTripPropertiesTest {
    private final Renderer renderer = new Renderer();

    @Provide
    Arbitrary<JsonNode> values() {
        return JsonValues.values(3, JsonValues.text());
    }

    private String render(JsonNode data, String subscription) throws RenderException {
        ObjectNode event = Json.object().put("id", "e-1").put("type", "t").put("time", "2026-01-31T12:00:00Z");
        event.set("data", data);
        return new String(renderer.preview(event, Specs.service("{}"), Specs.subscription(subscription)).rendered().body(),
                StandardCharsets.UTF_8);
    }

    @Property(tries = 300)
    void theEventFormatSendsTheDocumentUnchanged(@ForAll("values") JsonNode value) throws RenderException {
        JsonNode out = Json.read(render(value, "{\"format\": \"event\"}")).get("data");
        assertThat(JsonValues.sameValue(out, value)).as("%s", out).isTrue();
    }

    @Property(tries = 300)
    void aTemplateValueTagWritesTheValueUnchanged(@ForAll("values") JsonNode value) throws RenderException {
        String template = Json.write(Json.object().put("format", "template").put("template", "{\"v\": {{data}}, \"w\": [{{.}}]}"));
        JsonNode out = Json.read(render(value, template));
        assertThat(JsonValues.sameValue(out.get("v"), value)).as("%s", out).isTrue();
        assertThat(JsonValues.sameValue(out.get("w").get(0).get("data"), value)).as("%s", out).isTrue();
    }

    @Property(tries = 300)
    void phpJsonEncodeOutputReadsBackToTheSameValue(@ForAll("values") JsonNode value) {
        String php = PhpJson.write(value);
        assertThat(php).doesNotContainPattern("(?<!\\\\)/").matches("[\\x20-\\x7f]*"); // ASCII only, slashes escaped
        assertThat(JsonValues.sameValue(Json.read(php), value)).as(php).isTrue();
    }
}
