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

    @Test
    void exponentsWithinFourHundredEitherWayAreStorable() {
        assertThat(Json.unstorable(Json.read("[1e400,-1e-400,9.99e400,1E+400]"))).isNull();
        assertThat(Json.unstorable(Json.read("[1e400,1e401]")).path()).isEqualTo("[1]");
        assertThat(Json.unstorable(Json.read("[1e-400,1e-401]")).path()).isEqualTo("[1]");
    }

    /**
     * Numbers are written out in full (1e2 as 100), so a short exponent stands for many bytes: 1e399
     * is 400 digits. What they add together is bounded, and the number that passes the bound is named.
     */
    @Test
    void whatNumbersAddWhenWrittenOutInFullIsBounded() {
        int perNumber = 398; // "1e399": 5 bytes sent, 400 written
        int fits = Json.MAX_NUMBER_GROWTH / perNumber;
        String many = "{\"data\":[" + String.join(",", java.util.Collections.nCopies(fits + 50, "1e399")) + "]}";
        var bad = Json.unstorable(Json.read(many));
        assertThat(bad.path()).isEqualTo("data[" + fits + "]");
        assertThat(bad.reason()).contains("4096 KiB");
        assertThat(Json.unstorable(Json.read("[" + String.join(",", java.util.Collections.nCopies(fits, "1e399")) + "]"))).isNull();
        // Numbers as data has them add a byte or two each, at most: a megabyte of them passes.
        String ordinary = "[" + String.join(",", java.util.Collections.nCopies(100_000, "2.5e-3,1e10,123.456,0.5")) + "]";
        assertThat(Json.unstorable(Json.read(ordinary))).isNull();
    }
}
