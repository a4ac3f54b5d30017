package herald.delivery;

import herald.outbound.ServiceStates;
import herald.subscription.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The delivery engine's meters: outcomes, attempt latency per service, the due queue and its oldest
 * entry, breaker states. Queue figures cost a query, so a scrape reads them at most once a second.
 */
final class DeliveryMetrics {
    private final MeterRegistry registry;
    private final DeliveryStore store;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final MultiGauge breakers;
    /** Each service's breaker as its gauge reads it, by service name (0 closed, 1 half-open, 2 open). */
    private volatile Map<String, Integer> breakerValues = Map.of();
    /** The service names the breaker gauges have rows for; the dispatcher's thread only. */
    private Set<String> breakerRows = Set.of();
    private final Counter handedOff;
    private volatile DeliveryStore.Due due = new DeliveryStore.Due(0, 0);
    private volatile long dueReadAt;

    DeliveryMetrics(MeterRegistry registry, DeliveryStore store) {
        this.registry = registry;
        this.store = store;
        Gauge.builder("herald_delivery_queue_depth", this, m -> m.due().count())
                .description("deliveries due now and not yet claimed").register(registry);
        Gauge.builder("herald_delivery_oldest_due_age_seconds", this, m -> {
            DeliveryStore.Due d = m.due();
            return d.count() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - d.oldestDueAt()) / 1000.0;
        }).description("how long the oldest due delivery has waited").register(registry);
        breakers = MultiGauge.builder("herald_circuit_breaker_state")
                .description("per service: 0 closed, 1 half-open, 2 open").register(registry);
        handedOff = Counter.builder("herald_deliveries_handed_off_total")
                .description("deliveries sent straight from their ingest commit, without a claim").register(registry);
    }

    void handedOff(int deliveries) {
        handedOff.increment(deliveries);
    }

    private DeliveryStore.Due due() {
        long now = System.currentTimeMillis();
        if (now - dueReadAt > 1000) {
            synchronized (this) {
                if (now - dueReadAt > 1000) {
                    due = store.due(now);
                    dueReadAt = now;
                }
            }
        }
        return due;
    }

    void outcome(OutcomeRules.Decision decision) {
        String name = switch (decision) {
            case OutcomeRules.Delivered x -> "delivered";
            case OutcomeRules.RetryAt x -> "retrying";
            case OutcomeRules.Dead x -> "dead";
            case OutcomeRules.Gone x -> "gone";
        };
        outcomes.computeIfAbsent(name, n -> Counter.builder("herald_delivery_outcomes_total").tag("outcome", n)
                .register(registry)).increment();
    }

    void attempt(String serviceName, long durationMs) {
        latency.computeIfAbsent(serviceName, n -> Timer.builder("herald_delivery_attempt_seconds").tag("service", n)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(5)).register(registry))
                .record(durationMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The breakers' gauges follow {@code states}. Rows are registered again only when the services'
     * names change: registering them on every refresh (every 200 ms) removed each row and added it
     * back, and a scrape in between found it missing, or twice, which failed the whole scrape.
     */
    void breakerStates(Map<String, ServiceStates.State> states, Map<String, Service> services) {
        Map<String, Integer> values = new HashMap<>();
        for (Service s : services.values()) {
            ServiceStates.State st = states.get(s.id());
            String state = st == null ? ServiceStates.CLOSED : st.breaker();
            values.put(s.name(), state.equals(ServiceStates.OPEN) ? 2 : state.equals(ServiceStates.HALF_OPEN) ? 1 : 0);
        }
        breakerValues = values;
        if (values.keySet().equals(breakerRows)) return;
        breakerRows = Set.copyOf(values.keySet());
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String name : breakerRows) {
            rows.add(MultiGauge.Row.of(Tags.of("service", name), this, m -> m.breakerValues.getOrDefault(name, 0)));
        }
        breakers.register(rows, false); // rows already there stay; those of services gone are removed
    }
}
