package herald.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A gauge with one row per name (a service, a source), each reading its value from what the last
 * {@link #set} gave for that name. Rows are registered only when the names change: registering
 * them on every refresh removes each row and adds it back, and a Prometheus scrape in between finds
 * it missing, or twice, which fails the whole scrape (a 500 from /metrics).
 */
public final class LabelledGauge<T> {
    private final MultiGauge gauge;
    private final String label;
    private final ToDoubleFunction<T> value;
    private volatile Map<String, T> current = Map.of();
    private Set<String> rows = Set.of();

    /** {@code label}: the tag that holds each row's name; {@code value}: a row's figure from what its name was given. */
    public LabelledGauge(MeterRegistry registry, String name, String description, String label, ToDoubleFunction<T> value) {
        this.gauge = MultiGauge.builder(name).description(description).register(registry);
        this.label = label;
        this.value = value;
    }

    /** What each name's row reads from now on; names not given lose their rows. */
    public synchronized void set(Map<String, T> byName) {
        current = Map.copyOf(byName);
        if (byName.keySet().equals(rows)) return;
        rows = Set.copyOf(byName.keySet());
        List<MultiGauge.Row<?>> list = new ArrayList<>(rows.size());
        for (String name : rows) list.add(MultiGauge.Row.of(Tags.of(label, name), this, g -> g.read(name)));
        gauge.register(list, false); // rows already there stay; the others are removed
    }

    private double read(String name) {
        T of = current.get(name);
        return of == null ? Double.NaN : value.applyAsDouble(of);
    }
}
