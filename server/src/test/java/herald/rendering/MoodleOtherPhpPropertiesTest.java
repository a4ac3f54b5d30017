package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import herald.json.Json;
import herald.testing.Php;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;

/**
 * Moodle's {@code other} as PHP's {@code serialize()} writes it (logstore with JSON format off)
 * decodes to the value PHP serialized, for any value: checked against real PHP.
 */
class MoodleOtherPhpPropertiesTest {
    private static Php php;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeContainer
    static void startPhp() {
        php = Php.serve("<?php echo serialize(json_decode(file_get_contents('php://input'), true));");
    }

    @AfterContainer
    static void stopPhp() {
        if (php != null) php.close();
    }

    @Provide
    Arbitrary<JsonNode> values() {
        return JsonValues.values(3, JsonValues.text());
    }

    @Property(tries = 300)
    void serializedValuesDecodeToWhatPhpHeld(@ForAll("values") JsonNode value) throws Exception {
        String serialized = HTTP.send(HttpRequest.newBuilder(URI.create(php.url() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(value))).build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonNode decoded = MoodleOther.decode(TextNode.valueOf(serialized));
        JsonNode expected = asPhpArray(value);
        if (expected.isTextual() && MoodleOther.decode(expected) != expected) return; // a string that is itself serialize() or JSON text
        assertThat(JsonValues.sameValue(decoded, expected)).as("%s -> %s -> %s", value, serialized, decoded).isTrue();
    }

    /** json_decode(..., true): objects become PHP arrays, which are lists when their keys run 0..n-1. */
    private static JsonNode asPhpArray(JsonNode v) {
        if (v.isArray()) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            v.forEach(item -> a.add(asPhpArray(item)));
            return a;
        }
        if (!v.isObject()) return v;
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        v.properties().forEach(e -> entries.put(e.getKey(), asPhpArray(e.getValue())));
        return JsonValues.phpArray(entries, false);
    }

    @Test
    void textThatIsNotSerializedOrJsonIsLeftAsItIs() {
        for (String s : new String[] {"s:5:\"abc\";", "a:1:{i:0;", "hello", "b:1", "{not json"}) {
            assertThat(MoodleOther.decode(TextNode.valueOf(s)).textValue()).isEqualTo(s);
        }
        assertThat(MoodleOther.decode(TextNode.valueOf("s:2:\"é\";")).textValue()).isEqualTo("é"); // lengths count UTF-8 bytes
        // PHP objects are never read (the one serialize() reader, herald.event.PhpUnserialize, refuses them).
        assertThat(MoodleOther.decode(TextNode.valueOf("O:8:\"stdClass\":1:{s:1:\"a\";i:1;}")).textValue())
                .isEqualTo("O:8:\"stdClass\":1:{s:1:\"a\";i:1;}");
    }
}
