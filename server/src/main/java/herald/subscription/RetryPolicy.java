package herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import java.util.List;
import java.util.Map;

/**
 * How often and when a failed delivery is tried again. Either a schedule (the delay before each
 * retry), a named preset, or exponential back-off. Pure: {@link #delayBeforeRetry} decides, the
 * caller adds jitter and the clock.
 */
public record RetryPolicy(String preset, List<Integer> scheduleS, Exponential exponential) {

    public record Exponential(int baseS, double factor, int capS, int maxAttempts) {}

    /** Standard Webhooks' suggested schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
    public static final List<Integer> DEFAULT_SCHEDULE = List.of(0, 5, 300, 1800, 7200, 18000, 36000, 36000);
    static final Map<String, RetryPolicy> PRESETS = Map.of(
            "default", new RetryPolicy("default", DEFAULT_SCHEDULE, null),
            // Teachbase: up to 5 retries within 2 minutes (95 s, 114 s with the most jitter).
            "teachbase", new RetryPolicy("teachbase", List.of(5, 10, 15, 25, 40), null),
            // Integration Hub: min(backoff * 2^k, 60 s) with its default backoff of 1 s, dead after 5 attempts.
            "integration-hub", new RetryPolicy("integration-hub", null, new Exponential(1, 2, 60, 5)));

    public static final RetryPolicy DEFAULT = PRESETS.get("default");

    /** Total attempts allowed, the first included. */
    public int maxAttempts() {
        if (scheduleS != null) return 1 + scheduleS.size();
        return exponential.maxAttempts();
    }

    /** Seconds to wait before the next try after {@code attemptsMade} attempts, or -1 when exhausted. */
    public long delayBeforeRetry(int attemptsMade) {
        if (attemptsMade >= maxAttempts()) return -1;
        if (scheduleS != null) return scheduleS.get(attemptsMade - 1);
        double d = exponential.baseS() * Math.pow(exponential.factor(), attemptsMade - 1);
        return (long) Math.min(d, exponential.capS());
    }

    /** Seconds from now to the last retry the policy allows, after {@code attemptsMade} attempts. */
    public long remainingS(int attemptsMade) {
        long total = 0;
        for (int k = attemptsMade; k < maxAttempts(); k++) total += delayBeforeRetry(k);
        return total;
    }

    public static RetryPolicy parse(JsonFields f) {
        if (f == null) return null;
        f.rejectUnknown("preset", "schedule_s", "exponential");
        int forms = (f.has("preset") ? 1 : 0) + (f.has("schedule_s") ? 1 : 0) + (f.has("exponential") ? 1 : 0);
        if (forms != 1) {
            f.errors().add(f.path("preset"), "give exactly one of preset, schedule_s or exponential");
            return DEFAULT;
        }
        if (f.has("preset")) {
            String name = f.oneOf("preset", "default", "default", "teachbase", "integration-hub");
            return PRESETS.get(name);
        }
        if (f.has("schedule_s")) {
            var arr = f.array("schedule_s", 50);
            if (arr == null) return DEFAULT;
            List<Integer> delays = new java.util.ArrayList<>();
            for (int i = 0; i < arr.size(); i++) {
                JsonNode n = arr.get(i);
                if (!n.isIntegralNumber() || n.longValue() < 0 || n.longValue() > 7 * 86400) {
                    f.errors().add(f.path("schedule_s") + "[" + i + "]", "must be a whole number of seconds from 0 to 604800");
                } else {
                    delays.add(n.intValue());
                }
            }
            return new RetryPolicy(null, List.copyOf(delays), null);
        }
        JsonFields e = f.object("exponential");
        if (e == null) return DEFAULT;
        e.rejectUnknown("base_s", "factor", "cap_s", "max_attempts");
        int base = e.integer("base_s", 0, 86400, 5);
        double factor = e.number("factor", 1, 10, 2.0);
        int cap = e.integer("cap_s", 0, 7 * 86400, 3600);
        int max = e.integer("max_attempts", 1, 100, 8);
        return new RetryPolicy(null, null, new Exponential(base, factor, cap, max));
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        if (preset != null) {
            o.put("preset", preset);
        } else if (scheduleS != null) {
            scheduleS.forEach(o.putArray("schedule_s")::add);
        } else {
            ObjectNode e = o.putObject("exponential");
            e.put("base_s", exponential.baseS());
            e.put("factor", exponential.factor());
            e.put("cap_s", exponential.capS());
            e.put("max_attempts", exponential.maxAttempts());
        }
        return o;
    }
}
