package herald.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where {@link Json#unstorable} says the first value Herald will not store is, and that it finds it at any depth. */
class UnstorableTest {
    @Test
    void namesThePathOfTheFirstValueItWillNotStore() {
        assertThat(Json.unstorable(Json.read("{\"a\":1,\"b\":[true,null,\"ok\",{\"c\":{\"d\":\"x\\u0000\"}}]}")))
                .isEqualTo(new Json.Unstorable("b[3].c.d", "must not hold NUL characters or unpaired UTF-16 surrogates"));
        assertThat(Json.unstorable(Json.read("{\"a\":{\"b\\ud800\":1}}")))
                .isEqualTo(new Json.Unstorable("a", "must not have field names with NUL characters or unpaired UTF-16 surrogates"));
        assertThat(Json.unstorable(Json.read("[[1,2],[3,1e999]]")).path()).isEqualTo("[1][1]");
        assertThat(Json.unstorable(Json.read("\"\\udc00\"")).path()).isEqualTo("body");
    }

    @Test
    void findsNothingInAStorableDocumentAndLeavesNoPathBehindFromItsSiblings() {
        assertThat(Json.unstorable(Json.read("{\"a\":[{\"b\":\"\\ud83d\\ude00\"},[]],\"c\":{\"d\":2.5}}"))).isNull();
        // A sibling's path must not leak into the next one's.
        assertThat(Json.unstorable(Json.read("{\"a\":{\"b\":[1,{\"c\":\"ok\"}]},\"z\":\"\\u0000\"}")).path()).isEqualTo("z");
    }
}
