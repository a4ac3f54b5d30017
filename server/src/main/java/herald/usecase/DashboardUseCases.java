package herald.usecase;

import herald.delivery.DeliveryStats;
import herald.delivery.DeliveryStore;
import herald.outbound.ServiceStates;
import herald.problem.Problem;
import herald.sources.Source;
import herald.sources.SourceStore;
import herald.sources.Sources;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard shows at a glance: attempts per minute by outcome, each service's success
 * rate and 95th-percentile latency over the last hour or day, the queue, the oldest due delivery,
 * open breakers and the sources' lag.
 */
public final class DashboardUseCases {
    public enum Range {
        HOUR(3_600_000L, 60_000L), DAY(86_400_000L, 15 * 60_000L);

        public final long spanMs;
        public final long bucketMs;

        Range(long spanMs, long bucketMs) {
            this.spanMs = spanMs;
            this.bucketMs = bucketMs;
        }

        public static Range of(String s) {
            if (s == null || s.equals("hour")) return HOUR;
            if (s.equals("day")) return DAY;
            throw Problem.invalid("range", "must be hour or day");
        }
    }

    public record ServiceRow(Service service, ServiceStates.State state, DeliveryStats.ServiceFigures figures) {}

    public record SourceRow(Source source, Sources.Status status) {}

    public record Dashboard(Range range, long now, List<DeliveryStats.Point> series, List<ServiceRow> services,
                            Map<String, Long> byStatus, long due, Long oldestDueAgeS, List<SourceRow> sources) {
        public List<ServiceRow> openBreakers() {
            return services.stream().filter(s -> !s.state().breaker().equals(ServiceStates.CLOSED)).toList();
        }
    }

    private final Database db;
    private final DeliveryStats stats;
    private final DeliveryStore deliveries;
    private final ConfigStore configs;
    private final ServiceStates states;
    private final Sources sources;
    private final SourceStore sourceStore;

    public DashboardUseCases(Database db, DeliveryStats stats, DeliveryStore deliveries, ConfigStore configs,
                             ServiceStates states, Sources sources) {
        this.db = db;
        this.stats = stats;
        this.deliveries = deliveries;
        this.configs = configs;
        this.states = states;
        this.sources = sources;
        this.sourceStore = sources.store();
    }

    public Dashboard get(Range range) {
        long now = System.currentTimeMillis();
        stats.flush(); // this node's last seconds too
        long since = now - range.spanMs;
        List<DeliveryStats.Point> series = stats.series(since, range.bucketMs, now);
        Map<String, DeliveryStats.ServiceFigures> figures = stats.byService(since);
        Map<String, ServiceStates.State> all = states.all();
        List<ServiceRow> services = new ArrayList<>();
        for (Service s : db.read(configs::allServices)) {
            services.add(new ServiceRow(s, all.getOrDefault(s.id(), ServiceStates.State.fresh(s.id())),
                    figures.getOrDefault(s.id(), new DeliveryStats.ServiceFigures(s.id(), 0, 0, 0, null))));
        }
        DeliveryStore.Due due = deliveries.due(now);
        List<SourceRow> sourceRows = new ArrayList<>();
        for (Source s : db.read(sourceStore::all)) sourceRows.add(new SourceRow(s, sources.status(s)));
        return new Dashboard(range, now, series, services, deliveries.countByStatus(), due.count(),
                due.count() == 0 ? null : Math.max(0, (now - due.oldestDueAt()) / 1000), sourceRows);
    }
}
