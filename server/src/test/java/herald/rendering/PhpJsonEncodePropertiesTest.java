package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import herald.json.Json;
import herald.testing.Php;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Herald's PHP-compatible writer against real PHP: for any value, {@code PhpJson} writes the very
 * bytes of PHP's {@code json_encode} (the moodle format), and with the numeric check those of
 * {@code json_encode(..., JSON_NUMERIC_CHECK)} (the nosey format).
 */
class PhpJsonEncodePropertiesTest {
    private static Php php;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeContainer
    static void startPhp() {
        php = Php.serve("<?php $v = json_decode(file_get_contents('php://input')); header('Content-Type: application/json');"
                + " echo json_encode(['plain' => json_encode($v), 'numeric' => json_encode($v, JSON_NUMERIC_CHECK)]);");
    }

    @AfterContainer
    static void stopPhp() {
        if (php != null) php.close();
    }

    /** Strings PHP may or may not call numeric, beside arbitrary text. */
    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(JsonValues.text(), Arbitraries.of("58.25000", "007", " 12", "12 ", "1e3", "+1", "-0", "12abc",
                ".5", "1.", "0x1A", "1_000", "", " ", ".", "-", "9223372036854775808", "1E-7", "3.0", "\t4\n"),
                Arbitraries.longs().map(Object::toString));
    }

    @Provide
    Arbitrary<JsonNode> values() {
        // json_decode() makes objects stdClass, whose property names cannot start with NUL.
        Arbitrary<String> keys = JsonValues.text().filter(k -> !k.startsWith("\u0000"));
        return JsonValues.values(3, keys, text().map(s -> (JsonNode) TextNode.valueOf(s)));
    }

    @Property(tries = 300)
    void theWriterMatchesJsonEncodeByteForByte(@ForAll("values") JsonNode value) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(php.url() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(value))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode fromPhp = Json.read(r.body());
        assertThat(PhpJson.write(value)).isEqualTo(fromPhp.get("plain").asText());
        assertThat(PhpJson.write(PhpNumbers.numericCheck(value))).isEqualTo(fromPhp.get("numeric").asText());
    }
}
