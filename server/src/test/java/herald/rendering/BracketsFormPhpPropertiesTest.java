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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A {@code brackets} form body, posted to a real PHP ({@code php -S}), comes back from {@code $_POST}
 * as the same tree, as PHP can hold it: every scalar a string, empty objects and lists gone.
 */
class BracketsFormPhpPropertiesTest {
    private static Php php;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeContainer
    static void startPhp() {
        // What PHP applications read: $_POST, and parse_str() over the same body (the same parser, asked twice).
        php = Php.serve("<?php parse_str(file_get_contents('php://input'), $parsed); header('Content-Type: application/json');"
                + " echo json_encode(['post' => $_POST, 'parse_str' => $parsed]);");
    }

    @AfterContainer
    static void stopPhp() {
        if (php != null) php.close();
    }

    @Provide
    Arbitrary<JsonNode> payloads() {
        return JsonValues.objects(JsonValues.values(3, JsonValues.phpKeys()), JsonValues.phpKeys());
    }

    @Property(tries = 200)
    void phpParsesTheBodyBackToTheSameTree(@ForAll("payloads") JsonNode payload) throws Exception {
        String body = FormEncoding.encode(FormEncoding.fields(payload, FormEncoding.Style.BRACKETS));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(php.url() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode expected = asPhpSeesIt(payload);
        for (String reader : new String[] {"post", "parse_str"}) {
            JsonNode parsed = Json.read(r.body()).get(reader);
            if (expected == null) assertThat(parsed.isEmpty()).as(reader + ": " + body).isTrue(); // PHP writes an empty array as []
            else assertThat(parsed).as(reader + ": " + body).isEqualTo(expected);
        }
    }

    /** What PHP's parser builds from the form: strings, and lists only where the keys run 0..n-1. */
    static JsonNode asPhpSeesIt(JsonNode v) {
        if (v.isObject()) {
            Map<String, JsonNode> kept = new LinkedHashMap<>();
            v.properties().forEach(e -> {
                JsonNode c = asPhpSeesIt(e.getValue());
                if (c != null) kept.put(e.getKey(), c);
            });
            return JsonValues.phpArray(kept, true);
        }
        if (v.isArray()) {
            boolean scalars = true;
            for (JsonNode item : v) scalars &= !item.isContainerNode();
            Map<String, JsonNode> kept = new LinkedHashMap<>();
            List<JsonNode> appended = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode c = asPhpSeesIt(v.get(i));
                if (c == null) continue;
                if (scalars) appended.add(c); else kept.put(Integer.toString(i), c);
            }
            if (scalars) {
                if (appended.isEmpty()) return null;
                ArrayNode a = Json.MAPPER.createArrayNode();
                appended.forEach(a::add);
                return a;
            }
            return JsonValues.phpArray(kept, true);
        }
        if (v.isNull()) return TextNode.valueOf("");
        if (v.isBoolean()) return TextNode.valueOf(v.booleanValue() ? "1" : "0");
        if (v.isNumber() && !v.isIntegralNumber()) return TextNode.valueOf(PhpJson.phpFloat(v.doubleValue(), 'E'));
        return TextNode.valueOf(v.asText());
    }
}
