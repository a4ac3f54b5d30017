package herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatchingTest {

    static EventFilter filter(String json) {
        FieldErrors errors = new FieldErrors();
        EventFilter f = EventFilter.parse(JsonFields.of(Json.read(json), "filter", errors));
        errors.throwIfAny();
        return f;
    }

    @Test
    void patternsMatchMoodleNamesWithTheirBackslashes() {
        var s = new EventSelector(List.of("\\core\\event\\course_*", "\\mod_quiz\\event\\attempt_submitted"));
        assertThat(s.matches("\\core\\event\\course_viewed")).isTrue();
        assertThat(s.matches("\\core\\event\\course_module_created")).isTrue();
        assertThat(s.matches("\\core\\event\\user_created")).isFalse();
        assertThat(s.matches("\\mod_quiz\\event\\attempt_submitted")).isTrue();
        assertThat(s.matches("\\mod_quiz\\event\\attempt_started")).isFalse();
        assertThat(new EventSelector(List.of("*")).matches("anything")).isTrue();
        assertThat(new EventSelector(List.of("a.b")).matches("aXb")).isFalse(); // dots are literal
    }

    @Test
    void numbersAndNumericStringsCompareAsNumbers() {
        var f = filter("{\"all\": [{\"path\": \"courseid\", \"equals\": 4}]}");
        assertThat(f.matches(Json.read("{\"courseid\": \"4\"}"))).isTrue();
        assertThat(f.matches(Json.read("{\"courseid\": 4}"))).isTrue();
        assertThat(f.matches(Json.read("{\"courseid\": \"40\"}"))).isFalse();
        assertThat(f.matches(Json.read("{}"))).isFalse();
    }

    @Test
    void inExistsAndNestedPaths() {
        var f = filter("""
                {"all": [{"path": "other.enrol", "in": ["manual", "self"]}, {"path": "relateduserid", "exists": true}],
                 "any": [{"path": "data.user.id", "equals": 7}, {"path": "userid", "equals": 2}]}""");
        assertThat(f.matches(Json.read("{\"other\": {\"enrol\": \"self\"}, \"relateduserid\": 5, \"userid\": 2}"))).isTrue();
        assertThat(f.matches(Json.read("{\"other\": {\"enrol\": \"ldap\"}, \"relateduserid\": 5, \"userid\": 2}"))).isFalse();
        assertThat(f.matches(Json.read("{\"other\": {\"enrol\": \"self\"}, \"relateduserid\": null, \"userid\": 2}"))).isFalse();
        assertThat(f.matches(Json.read("{\"other\": {\"enrol\": \"self\"}, \"relateduserid\": 5, \"userid\": 3}"))).isFalse();
        assertThat(filter("{\"all\": [{\"path\": \"x\", \"exists\": false}]}").matches(Json.read("{}"))).isTrue();
        assertThat(filter("{\"all\": [{\"path\": \"flag\", \"equals\": true}]}").matches(Json.read("{\"flag\": \"true\"}"))).isFalse();
    }

    @Test
    void retryPoliciesGiveTheirDelaysAndThenGiveUp() {
        assertThat(RetryPolicy.DEFAULT.maxAttempts()).isEqualTo(9);
        assertThat(RetryPolicy.DEFAULT.delayBeforeRetry(1)).isZero();
        assertThat(RetryPolicy.DEFAULT.delayBeforeRetry(2)).isEqualTo(5);
        assertThat(RetryPolicy.DEFAULT.delayBeforeRetry(9)).isEqualTo(-1);
        RetryPolicy hub = RetryPolicy.PRESETS.get("integration-hub");
        assertThat(List.of(hub.delayBeforeRetry(1), hub.delayBeforeRetry(2), hub.delayBeforeRetry(4))).containsExactly(1L, 2L, 8L);
        assertThat(hub.delayBeforeRetry(5)).isEqualTo(-1);
        RetryPolicy teachbase = RetryPolicy.PRESETS.get("teachbase");
        assertThat(teachbase.maxAttempts()).isEqualTo(6);
        long total = 0;
        for (int i = 1; i < teachbase.maxAttempts(); i++) total += teachbase.delayBeforeRetry(i);
        assertThat(total).isLessThanOrEqualTo(120);
    }
}
