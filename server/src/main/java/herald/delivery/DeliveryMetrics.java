package herald.delivery;

import herald.metrics.LabelledGauge;
import herald.outbound.ServiceStates;
import herald.subscription.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
    private final LabelledGauge<Integer> breakers;
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
        breakers = new LabelledGauge<>(registry, "herald_circuit_breaker_state", "per service: 0 closed, 1 half-open, 2 open",
                "service", Integer::doubleValue);
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

    /** The services' breakers as {@code states} has them; also forgets the latency of services gone. */
    void breakerStates(Map<String, ServiceStates.State> states, Map<String, Service> services) {
        Map<String, Integer> values = new HashMap<>();
        for (Service s : services.values()) {
            ServiceStates.State st = states.get(s.id());
            String state = st == null ? ServiceStates.CLOSED : st.breaker();
            values.put(s.name(), state.equals(ServiceStates.OPEN) ? 2 : state.equals(ServiceStates.HALF_OPEN) ? 1 : 0);
        }
        breakers.set(values);
        // A deleted or renamed service's latency series goes with it, rather than stay until a restart.
        for (var e : latency.entrySet()) {
            if (!values.containsKey(e.getKey()) && latency.remove(e.getKey(), e.getValue())) registry.remove(e.getValue());
        }
    }
}
