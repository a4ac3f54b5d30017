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
import org.junit.jupiter.api.Test;

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
        return new String(renderer.preview(null, event, Specs.service("{}"), Specs.subscription(subscription)).rendered().body(),
                StandardCharsets.UTF_8);
    }

    @Property(tries = 300)
    void theEventFormatSendsTheDocumentUnchanged(@ForAll("values") JsonNode value) throws RenderException {
        JsonNode out = Json.read(render(value, "{\"format\": \"event\"}")).get("data");
        assertThat(JsonValues.sameValue(out, value)).as("%s", out).isTrue();
    }

    /** The event format sends a stored event's text without parsing it: the bytes must be what parsing and writing give. */
    @Property(tries = 500)
    void theEventFormatSendsTheStoredTextAsWritingTheParsedDocumentWould(@ForAll("values") JsonNode value) throws RenderException {
        ObjectNode event = Json.object().put("id", "e-1").put("type", "t").put("time", "2026-01-31T12:00:00Z");
        event.set("data", value);
        String stored = Json.write(event); // as the event writer stores it
        var sub = Specs.subscription("{\"format\": \"event\"}");
        byte[] sent = renderer.render(null, stored, Specs.service("{}"), sub).body();
        byte[] parsedAndWritten = renderer.preview(null, (ObjectNode) Json.read(stored), Specs.service("{}"), sub).rendered().body();
        assertThat(new String(sent, StandardCharsets.UTF_8)).isEqualTo(new String(parsedAndWritten, StandardCharsets.UTF_8));
    }

    /** Withheld fields, a form or a GET need the document: the stored text is not sent as it is. */
    @Test
    void theStoredTextIsNotSentWhenTheReceiverMayNotSeeAllOfIt() throws RenderException {
        String stored = "{\"id\":\"e-1\",\"type\":\"t\",\"userid\":42,\"email\":\"a@example.org\"}";
        var svc = Specs.service("{}");
        String dropped = new String(renderer.render(null, stored, svc,
                Specs.subscription("{\"format\": \"event\", \"privacy\": {\"drop\": [\"email\"]}}")).body(), StandardCharsets.UTF_8);
        assertThat(Json.read(dropped).has("email")).isFalse();
        var form = renderer.render(null, stored, svc, Specs.subscription("{\"format\": \"event\", \"content_type\": \"form\"}"));
        assertThat(new String(form.body(), StandardCharsets.UTF_8)).contains("userid=42").doesNotContain("{");
        var get = renderer.render(null, stored, svc, Specs.subscription("{\"format\": \"event\", \"method\": \"GET\"}"));
        assertThat(get.body()).isEmpty();
        assertThat(get.url()).contains("userid=42");
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
