package herald.delivery;

import herald.subscription.RetryPolicy;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What an attempt's result means for its delivery. Pure: the caller gives the clock and the
 * random draw for jitter, so tests decide both.
 */
public final class OutcomeRules {
    /** A {@code Retry-After} is obeyed only within these bounds. */
    static final long MIN_RETRY_AFTER_MS = 1_000;
    static final long MAX_RETRY_AFTER_MS = 3_600_000;
    /** Retry delays vary by ±20 % so that receivers recovering from an outage are not hit in step. */
    static final double JITTER = 0.2;

    private OutcomeRules() {}

    public sealed interface Decision permits Delivered, RetryAt, Dead, Gone {}

    public record Delivered() implements Decision {}

    public record RetryAt(long at, String error) implements Decision {}

    public record Dead(String error) implements Decision {}

    /** 410: the receiver says the endpoint is gone for good; the subscription is disabled. */
    public record Gone(String error) implements Decision {}

    /**
     * @param status       the response status, or null when none came (timeout, connection error)
     * @param error        the failure's description when no response came
     * @param retryAfter   the response's {@code Retry-After} header, or null
     * @param attemptsMade attempts including this one
     * @param random       a draw from [0, 1) for the jitter
     */
    public static Decision decide(Integer status, String error, String retryAfter, RetryPolicy policy,
                                  int attemptsMade, long now, double random) {
        return decide(status != null && status >= 200 && status < 300, status, error, retryAfter, policy, attemptsMade, now, random);
    }

    /**
     * As above, with whether the answer is a success decided by the caller: a SOAP Fault may come
     * with a 200, an AMQP publish answers with AMQP's codes.
     */
    public static Decision decide(boolean succeeded, Integer status, String error, String retryAfter, RetryPolicy policy,
                                  int attemptsMade, long now, double random) {
        if (succeeded) return new Delivered();
        String why = error != null ? error : status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)"
                : "HTTP " + status;
        if (status != null && status == 410) return new Gone("HTTP 410 Gone: the subscription was disabled");
        long delayS = policy.delayBeforeRetry(attemptsMade);
        if (delayS < 0) return new Dead(why);
        long delayMs = jittered(delayS * 1000, random);
        if (status != null && (status == 429 || status == 503) && retryAfter != null) {
            long asked = retryAfterMs(retryAfter, now);
            if (asked >= 0) {
                // The receiver knows best when it can take more, within bounds, and never past the policy's last retry.
                long bounded = Math.clamp(asked, MIN_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
                delayMs = Math.min(bounded, Math.max(delayMs, policy.remainingS(attemptsMade) * 1000));
            }
        }
        return new RetryAt(now + delayMs, why);
    }

    static long jittered(long delayMs, double random) {
        return (long) (delayMs * (1 - JITTER + 2 * JITTER * random));
    }

    /** Milliseconds asked by a {@code Retry-After} of seconds or an HTTP date; -1 when unreadable. */
    static long retryAfterMs(String value, long now) {
        String v = value.trim();
        if (v.matches("\\d{1,9}")) return Long.parseLong(v) * 1000;
        try {
            return Math.max(0, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - now);
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /** Whether a result counts against the service's circuit breaker: it did not answer, or answered overloaded. */
    static boolean isServiceFailure(Integer status) {
        return status == null || status >= 500 || status == 429;
    }
}
