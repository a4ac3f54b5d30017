package herald.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Python's str() and repr() of JSON values, as the openedx-webhooks plugin writes them in forms, and back. */
class PythonTextTest {

    @Test
    void leavesAreWrittenAsPythonPrintsThem() {
        assertThat(PythonText.str(Json.read("true"))).isEqualTo("True");
        assertThat(PythonText.str(Json.read("null"))).isEqualTo("None");
        assertThat(PythonText.str(Json.read("1.0"))).isEqualTo("1.0");
        assertThat(PythonText.str(Json.read("\"text\""))).isEqualTo("text");
        assertThat(PythonText.str(Json.read("[\"a\", \"b\"]"))).isEqualTo("['a', 'b']");
        assertThat(PythonText.str(Json.read("[{\"x\": 1}, null, true]"))).isEqualTo("[{'x': 1}, None, True]");
        assertThat(PythonText.repr(Json.read("\"it's\""))).isEqualTo("\"it's\"");
        assertThat(PythonText.repr(Json.read("\"a\\nb\""))).isEqualTo("'a\\nb'");
    }

    @Test
    void flatteningJoinsKeysWithUnderscoreAsThePluginDoes() {
        assertThat(PythonText.flatten(Json.read("{\"user\":{\"name\":\"andres\",\"active\":true},\"empty\":{},\"tabs\":[{\"tab_id\":\"x\"}]}")))
                .containsExactly(java.util.Map.entry("user_name", "andres"), java.util.Map.entry("user_active", "True"),
                        java.util.Map.entry("tabs", "[{'tab_id': 'x'}]"));
        assertThat(PythonText.flatten(Json.read("{\"a_b\":1,\"a\":{\"b\":2}}"))).containsExactly(java.util.Map.entry("a_b", "2"));
    }

    @Test
    void literalsReadBack() {
        assertThat(PythonText.parseLiteral("[11, 2, 0]")).isEqualTo(Json.read("[11, 2, 0]"));
        assertThat(PythonText.parseLiteral("{'k': True, 'n': None, 'l': ['a', \"b's\"]}"))
                .isEqualTo(Json.read("{\"k\": true, \"n\": null, \"l\": [\"a\", \"b's\"]}"));
        assertThat(PythonText.parseLiteral("(0, 8, 1)")).isEqualTo(Json.read("[0, 8, 1]"));
        assertThat(PythonText.parseLiteral("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).isNotNull();
        assertThat(PythonText.parseLiteral("[".repeat(20_000) + "]".repeat(20_000))).as("not a stack overflow").isNull();
        assertThat(PythonText.parseLiteral("os.system('x')")).isNull();
        assertThat(PythonText.parseLiteral("[1, 2")).isNull();
    }
}
