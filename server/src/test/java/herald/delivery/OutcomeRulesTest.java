package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import herald.delivery.OutcomeRules.Dead;
import herald.delivery.OutcomeRules.Delivered;
import herald.delivery.OutcomeRules.Gone;
import herald.delivery.OutcomeRules.RetryAt;
import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import herald.subscription.RetryPolicy;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeRulesTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final double NO_JITTER = 0.5; // the middle of [0.8, 1.2]

    private static RetryPolicy preset(String name) {
        return RetryPolicy.parse(JsonFields.of(Json.object().put("preset", name), "retry", new FieldErrors()));
    }

    /** The delays a policy gives, in ms, with the given random draw, until it gives up. */
    private static List<Long> delays(RetryPolicy p, double random) {
        var out = new java.util.ArrayList<Long>();
        for (int made = 1; ; made++) {
            var d = OutcomeRules.decide(500, null, null, p, made, NOW, random);
            if (d instanceof Dead) return out;
            out.add(((RetryAt) d).at() - NOW);
        }
    }

    @Test
    void twoHundredsAreDeliveredAndEverythingElseIsRetried() {
        assertThat(OutcomeRules.decide(204, null, null, RetryPolicy.DEFAULT, 1, NOW, 0)).isInstanceOf(Delivered.class);
        for (int status : new int[] {301, 302, 307, 400, 401, 404, 408, 500, 502, 504}) {
            assertThat(OutcomeRules.decide(status, null, null, RetryPolicy.DEFAULT, 1, NOW, 0)).isInstanceOf(RetryAt.class);
        }
        var redirect = (RetryAt) OutcomeRules.decide(302, null, null, RetryPolicy.DEFAULT, 1, NOW, 0);
        assertThat(redirect.error()).contains("302").contains("redirects are not followed");
        var timeout = (RetryAt) OutcomeRules.decide(null, "Total timeout 1000 ms elapsed", null, RetryPolicy.DEFAULT, 1, NOW, 0);
        assertThat(timeout.error()).contains("timeout");
    }

    @Test
    void goneDisablesInsteadOfRetrying() {
        assertThat(OutcomeRules.decide(410, null, null, RetryPolicy.DEFAULT, 1, NOW, 0)).isInstanceOf(Gone.class);
    }

    @Test
    void theDefaultScheduleIsStandardWebhooksSuggestionThenDead() {
        assertThat(delays(RetryPolicy.DEFAULT, NO_JITTER))
                .containsExactly(0L, 5_000L, 300_000L, 1_800_000L, 7_200_000L, 18_000_000L, 36_000_000L, 36_000_000L);
    }

    @Test
    void teachbaseRetriesFiveTimesWithinTwoMinutesEvenWithTheMostJitter() {
        List<Long> slowest = delays(preset("teachbase"), 0.999999);
        assertThat(slowest).hasSize(5);
        assertThat(slowest.stream().mapToLong(Long::longValue).sum()).isLessThan(120_000);
    }

    @Test
    void integrationHubDoublesUpToSixtySecondsAndIsDeadAfterFiveAttempts() {
        assertThat(delays(preset("integration-hub"), NO_JITTER)).containsExactly(1_000L, 2_000L, 4_000L, 8_000L);
        var p = RetryPolicy.parse(JsonFields.of(Json.read("{\"exponential\":{\"base_s\":10,\"factor\":2,\"cap_s\":60,"
                + "\"max_attempts\":6}}"), "retry", new FieldErrors()));
        assertThat(delays(p, NO_JITTER)).containsExactly(10_000L, 20_000L, 40_000L, 60_000L, 60_000L);
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        for (double r : new double[] {0, 0.25, 0.5, 0.75, 0.999999}) {
            long d = ((RetryAt) OutcomeRules.decide(500, null, null, RetryPolicy.DEFAULT, 3, NOW, r)).at() - NOW;
            assertThat(d).isBetween(240_000L, 360_000L);
        }
        assertThat(((RetryAt) OutcomeRules.decide(500, null, null, RetryPolicy.DEFAULT, 3, NOW, 0)).at() - NOW)
                .isEqualTo(240_000);
    }

    @Test
    void retryAfterInSecondsOrAsADateIsHonouredOn429And503() {
        var secs = (RetryAt) OutcomeRules.decide(429, null, "120", RetryPolicy.DEFAULT, 2, NOW, NO_JITTER);
        assertThat(secs.at() - NOW).isEqualTo(120_000);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(NOW + 90_000).atOffset(ZoneOffset.UTC));
        var dated = (RetryAt) OutcomeRules.decide(503, null, date, RetryPolicy.DEFAULT, 2, NOW, NO_JITTER);
        assertThat(dated.at() - NOW).isEqualTo(90_000);
        // Other statuses ignore it; nonsense is ignored.
        assertThat(((RetryAt) OutcomeRules.decide(500, null, "120", RetryPolicy.DEFAULT, 2, NOW, NO_JITTER)).at() - NOW)
                .isEqualTo(5_000);
        assertThat(((RetryAt) OutcomeRules.decide(429, null, "soon", RetryPolicy.DEFAULT, 2, NOW, NO_JITTER)).at() - NOW)
                .isEqualTo(5_000);
    }

    @Test
    void retryAfterIsClampedToOneSecondOneHourAndThePolicysEnd() {
        assertThat(((RetryAt) OutcomeRules.decide(429, null, "0", RetryPolicy.DEFAULT, 1, NOW, NO_JITTER)).at() - NOW)
                .isEqualTo(1_000);
        assertThat(((RetryAt) OutcomeRules.decide(429, null, "86400", RetryPolicy.DEFAULT, 2, NOW, NO_JITTER)).at() - NOW)
                .isEqualTo(3_600_000);
        // Teachbase has 40 s left after its fourth attempt's retry: a Retry-After of 10 minutes gets 40 s.
        var teachbase = preset("teachbase");
        assertThat(((RetryAt) OutcomeRules.decide(429, null, "600", teachbase, 5, NOW, NO_JITTER)).at() - NOW)
                .isEqualTo(40_000);
        // An exhausted policy is dead whatever the receiver asks.
        assertThat(OutcomeRules.decide(429, null, "5", teachbase, 6, NOW, NO_JITTER)).isInstanceOf(Dead.class);
    }
}
