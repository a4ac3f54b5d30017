package herald.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Array steps of a path: one to nine ASCII digits; anything else is a step no array has. */
class JsonPathsTest {
    @Test
    void anIndexIsOneToNineAsciiDigits() {
        assertThat(JsonPaths.index("0")).isZero();
        assertThat(JsonPaths.index("123456789")).isEqualTo(123_456_789);
        assertThat(JsonPaths.index("99999999999")).isEqualTo(-1); // Integer.parseInt threw on it
        assertThat(JsonPaths.index("")).isEqualTo(-1);
        assertThat(JsonPaths.index("-1")).isEqualTo(-1);
        assertThat(JsonPaths.index("\u0663")).isEqualTo(-1); // an Arabic-Indic three: Character.isDigit and parseInt took it
    }

    @Test
    void aStepPastAnyArrayIsMissing() {
        var doc = Json.read("{\"data\":[10,{\"id\":7}]}");
        assertThat(JsonPaths.get(doc, "data.1.id").asInt()).isEqualTo(7);
        assertThat(JsonPaths.get(doc, "data.99999999999")).isNull();
        assertThat(JsonPaths.get(doc, "data.\u0661.id")).isNull();
        assertThat(JsonPaths.get(doc, "data.x")).isNull();
    }
}
