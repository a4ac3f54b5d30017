package herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FmtTest {
    @Test
    void jsonIsReIndentedUpToItsBoundAndShownAsSentBeyondIt() {
        assertThat(Fmt.pretty("{\"a\":[1,2]}")).contains("\n").contains("\"a\" : [ 1, 2 ]");
        // Beyond it a body of short members would be some twenty times its size re-indented.
        String large = "{\"xs\":[" + "{\"a\":0},".repeat(Fmt.PRETTY_MAX_CHARS / 8) + "{\"a\":0}]}";
        assertThat(large.length()).isGreaterThan(Fmt.PRETTY_MAX_CHARS);
        assertThat(Fmt.pretty(large)).isSameAs(large);
        assertThat(Fmt.pretty("not json")).isEqualTo("not json");
    }
}
