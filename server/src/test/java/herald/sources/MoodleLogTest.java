package herald.sources;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import org.junit.jupiter.api.Test;

class MoodleLogTest {

    static MoodleLog.Row row(String objecttable, String other) {
        return new MoodleLog.Row(7, "\\core\\event\\course_viewed", "core", "viewed", "course", objecttable, null, "r", 2,
                30, 50, 4, 2, 4L, null, 0, other, 1795317371, "web", "127.0.0.1", null);
    }

    @Test
    void anEmptyObjecttableIsNullAndTheIdIsSourcePlusLogId() {
        var e = MoodleLog.toEvent("src_1", row("", "N;"));
        assertThat(e.id()).isEqualTo("src_1-7");
        assertThat(e.source()).isEqualTo("src_1");
        assertThat(e.body().get("objecttable").isNull()).isTrue();
        assertThat(e.body().get("other").isNull()).isTrue();
        assertThat(e.occurredAtMillis()).isEqualTo(1795317371000L);
    }

    @Test
    void otherThatCannotBeReadIsKeptAsTextWithTheReason() {
        var object = MoodleLog.toEvent("s", row(null, "O:8:\"stdClass\":0:{}")).body();
        assertThat(object.get("other").asText()).isEqualTo("O:8:\"stdClass\":0:{}");
        assertThat(object.get("other_error").asText()).contains("objects");

        var garbage = MoodleLog.toEvent("s", row(null, "{not json")).body();
        assertThat(garbage.get("other").asText()).isEqualTo("{not json");
        assertThat(garbage.get("other_error").asText()).contains("neither JSON nor PHP");

        var json = MoodleLog.toEvent("s", row(null, "{\"a\":[1,\"2\"]}")).body();
        assertThat(json.get("other")).isEqualTo(Json.read("{\"a\":[1,\"2\"]}"));
        assertThat(json.has("other_error")).isFalse();
    }

    @Test
    void aHugeOtherIsNotStored() {
        var body = MoodleLog.toEvent("s", row(null, "\"" + "x".repeat(MoodleLog.MAX_OTHER_CHARS) + "\"")).body();
        assertThat(body.get("other").isNull()).isTrue();
        assertThat(body.get("other_error").asText()).contains("not stored");
    }
}
