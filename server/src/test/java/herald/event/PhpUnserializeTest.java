package herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import herald.json.Json;
import org.junit.jupiter.api.Test;

class PhpUnserializeTest {

    @Test
    void readsScalarsAsTheirJsonTypes() throws Exception {
        assertThat(PhpUnserialize.parse("N;").isNull()).isTrue();
        assertThat(PhpUnserialize.parse("b:0;").booleanValue()).isFalse();
        assertThat(PhpUnserialize.parse("b:1;").booleanValue()).isTrue();
        assertThat(PhpUnserialize.parse("i:-42;").longValue()).isEqualTo(-42);
        assertThat(PhpUnserialize.parse("d:87.5;").doubleValue()).isEqualTo(87.5);
        assertThat(PhpUnserialize.parse("d:1.0E+25;").doubleValue()).isEqualTo(1.0E25);
        assertThat(PhpUnserialize.parse("d:INF;").isNull()).isTrue(); // JSON has no infinity
        assertThat(PhpUnserialize.parse("s:0:\"\";").textValue()).isEmpty();
    }

    @Test
    void stringLengthsCountUtf8Bytes() throws Exception {
        // "Archive A1 — to delete": the em dash is three bytes, so PHP wrote 24 for 22 characters.
        var v = PhpUnserialize.parse("a:1:{s:4:\"name\";s:24:\"Archive A1 — to delete\";}");
        assertThat(v).isEqualTo(Json.read("{\"name\":\"Archive A1 — to delete\"}"));
        // A quote inside a string is just a byte: the length, not the quote, ends it.
        assertThat(PhpUnserialize.parse("s:3:\"a\"b\";").textValue()).isEqualTo("a\"b");
    }

    @Test
    void arraysWithKeysZeroToNBecomeListsAndOthersObjects() throws Exception {
        assertThat(PhpUnserialize.parse("a:2:{i:0;s:1:\"x\";i:1;i:2;}")).isEqualTo(Json.read("[\"x\",2]"));
        assertThat(PhpUnserialize.parse("a:0:{}")).isEqualTo(Json.read("[]")); // json_encode gives [] too
        assertThat(PhpUnserialize.parse("a:2:{i:1;s:1:\"x\";i:2;s:1:\"y\";}")).isEqualTo(Json.read("{\"1\":\"x\",\"2\":\"y\"}"));
        assertThat(PhpUnserialize.parse("a:3:{s:6:\"itemid\";s:1:\"4\";s:10:\"overridden\";b:0;s:10:\"finalgrade\";d:87.5;}"))
                .isEqualTo(Json.read("{\"itemid\":\"4\",\"overridden\":false,\"finalgrade\":87.5}"));
        assertThat(PhpUnserialize.parse("a:1:{s:5:\"outer\";a:1:{s:5:\"inner\";N;}}"))
                .isEqualTo(Json.read("{\"outer\":{\"inner\":null}}"));
    }

    @Test
    void refusesObjectsReferencesAndDamagedInput() {
        assertThatThrownBy(() -> PhpUnserialize.parse("O:8:\"stdClass\":1:{s:1:\"a\";i:1;}"))
                .isInstanceOf(PhpUnserialize.Invalid.class).hasMessageContaining("objects");
        assertThatThrownBy(() -> PhpUnserialize.parse("a:1:{s:1:\"a\";O:8:\"stdClass\":0:{}}"))
                .hasMessageContaining("objects");
        assertThatThrownBy(() -> PhpUnserialize.parse("C:11:\"ArrayObject\":0:{}")).hasMessageContaining("objects");
        assertThatThrownBy(() -> PhpUnserialize.parse("a:2:{i:0;i:1;i:1;R:2;}")).hasMessageContaining("references");
        assertThatThrownBy(() -> PhpUnserialize.parse("s:10:\"short\";")).hasMessageContaining("past the end");
        assertThatThrownBy(() -> PhpUnserialize.parse("a:5:{i:0;i:1;}")).isInstanceOf(PhpUnserialize.Invalid.class);
        assertThatThrownBy(() -> PhpUnserialize.parse("i:1;extra")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> PhpUnserialize.parse("a:999999999:{")).hasMessageContaining("array size");
    }

    @Test
    void boundsNesting() {
        String deep = "a:1:{i:0;".repeat(100) + "N;" + "}".repeat(100);
        assertThatThrownBy(() -> PhpUnserialize.parse(deep)).hasMessageContaining("deeper");
    }
}
