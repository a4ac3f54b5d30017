package herald.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where {@link Json#unstorable} says the first value Herald will not store is, and that it finds it at any depth. */
class UnstorableTest {
    @Test
    void namesThePathOfTheFirstValueItWillNotStore() {
        assertThat(unstorable(("{\"a\":1,\"b\":[true,null,\"ok\",{\"c\":{\"d\":\"x\\u0000\"}}]}")))
                .isEqualTo(new Json.Unstorable("b[3].c.d", "must not hold NUL characters or unpaired UTF-16 surrogates"));
        assertThat(unstorable(("{\"a\":{\"b\\ud800\":1}}")))
                .isEqualTo(new Json.Unstorable("a", "must not have field names with NUL characters or unpaired UTF-16 surrogates"));
        assertThat(unstorable(("[[1,2],[3,1e999]]")).path()).isEqualTo("[1][1]");
        assertThat(unstorable(("\"\\udc00\"")).path()).isEqualTo("body");
    }

    @Test
    void findsNothingInAStorableDocumentAndLeavesNoPathBehindFromItsSiblings() {
        assertThat(unstorable(("{\"a\":[{\"b\":\"\\ud83d\\ude00\"},[]],\"c\":{\"d\":2.5}}"))).isNull();
        // A sibling's path must not leak into the next one's.
        assertThat(unstorable(("{\"a\":{\"b\":[1,{\"c\":\"ok\"}]},\"z\":\"\\u0000\"}")).path()).isEqualTo("z");
    }

    @Test
    void exponentsWithinFourHundredEitherWayAreStorable() {
        assertThat(unstorable(("[1e400,-1e-400,9.99e400,1E+400]"))).isNull();
        assertThat(unstorable(("[1e400,1e401]")).path()).isEqualTo("[1]");
        assertThat(unstorable(("[1e-400,1e-401]")).path()).isEqualTo("[1]");
    }

    /** As the ingest API checks a body: against the text it was read from. */
    private static Json.Unstorable unstorable(String text) {
        return Json.unstorable(Json.read(text), text.length());
    }

    /**
     * Numbers are written out in full (1e2 as 100), so a short exponent stands for many bytes: 1e399
     * is 400 digits. What they add together is bounded, and the number that passes the bound is named.
     */
    @Test
    void whatNumbersAddWhenWrittenOutInFullIsBounded() {
        int perNumber = 398; // "1e399": 5 bytes sent, 400 written
        int fits = Json.MIN_NUMBER_GROWTH / perNumber;
        String many = "{\"data\":[" + String.join(",", java.util.Collections.nCopies(fits + 50, "1e399")) + "]}";
        var bad = unstorable((many));
        assertThat(bad.path()).isEqualTo("data[" + fits + "]");
        assertThat(bad.reason()).contains("64 KiB");
        assertThat(unstorable(("[" + String.join(",", java.util.Collections.nCopies(fits, "1e399")) + "]"))).isNull();
        // A longer text may grow by its own size: stored, at most about twice what was sent.
        String longer = "[" + String.join(",", java.util.Collections.nCopies(30_000, "1e399")) + "]";
        assertThat(unstorable(longer).path()).isEqualTo("[" + longer.length() / perNumber + "]");
        // Numbers as data has them add a byte or two each, at most: a megabyte of them passes.
        String ordinary = "[" + String.join(",", java.util.Collections.nCopies(100_000, "2.5e-3,1e10,123.456,0.5")) + "]";
        assertThat(unstorable((ordinary))).isNull();
    }
}
