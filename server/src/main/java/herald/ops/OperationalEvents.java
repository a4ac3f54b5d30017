package herald.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.delivery.ServiceSignals;
import herald.event.Event;
import herald.event.EventParser;
import herald.ingest.EventWriter;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.store.Database;
import herald.subscription.Service;
import herald.subscription.Subscription;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Herald's own events ({@code herald.*}): a service failing and recovering, its breaker opening and
 * closing, a subscription disabled by a 410, a source failing or lagging, dead letters piling up.
 * They are stored and routed like any event (to Slack with a template, to a mail relay…).
 *
 * <p>An outage makes a few of them, not thousands: a failing spell is told once when it starts
 * and once when it ends; breaker events are told by the node that changed the state; the watched
 * conditions (sources, dead letters) at most once an hour each. An event's id is its kind, its
 * subject and its hour (or spell), so two nodes telling the same thing store one event.
 */
public final class OperationalEvents implements ServiceSignals, AutoCloseable {
    public static final String SOURCE = "herald";
    public static final String SERVICE_FAILING = "herald.service.failing";
    public static final String SERVICE_RECOVERED = "herald.service.recovered";
    public static final String BREAKER_OPENED = "herald.breaker.opened";
    public static final String BREAKER_CLOSED = "herald.breaker.closed";
    public static final String SUBSCRIPTION_DISABLED = "herald.subscription.disabled";
    public static final String SOURCE_FAILING = "herald.source.failing";
    public static final String SOURCE_LAGGING = "herald.source.lagging";
    public static final String DEAD_LETTERS_PILING = "herald.dead_letters.piling";
    private static final Logger log = LoggerFactory.getLogger(OperationalEvents.class);
    private static final long HOUR_MS = 3_600_000L;

    /** When a condition is told: consecutive failed attempts, rows or seconds of lag, dead letters in the last hour. */
    public record Thresholds(int failures, long lagRows, long lagS, int deadLettersPerHour, long watchMs) {
        public static final Thresholds DEFAULT = new Thresholds(10, 10_000, 600, 100, 30_000);
    }

    /** What is watched on a schedule: the sources' state as this node sees it. */
    public interface Watched {
        /** Each source's {@code id, name, state, lagRows, lagS, lastError}, for the sources this node reads. */
        List<SourceHealth> sources();
    }

    public record SourceHealth(String id, String name, String kind, String state, Long lagRows, Long lagS, String lastError) {}

    private final Database db;
    private final EventWriter writer;
    private final Watched watched;
    private final Thresholds thresholds;
    /** Consecutive failed attempts per service on this node, and whether the spell was told. */
    private final Map<String, int[]> failing = new ConcurrentHashMap<>();
    /** Ids told by this node lately: not submitted again (the writer would drop them as duplicates anyway). */
    private final Map<String, Long> told = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("operational-events").factory());

    public OperationalEvents(Database db, EventWriter writer, Watched watched, Thresholds thresholds) {
        this.db = db;
        this.writer = writer;
        this.watched = watched;
        this.thresholds = thresholds;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::watchQuietly, thresholds.watchMs(), thresholds.watchMs(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void attempted(Service svc, boolean failed, String error, long now) {
        int[] spell = failing.computeIfAbsent(svc.id(), id -> new int[2]); // {consecutive failures, told (0/1)}
        synchronized (spell) {
            if (failed) {
                spell[0]++;
                if (spell[0] >= thresholds.failures() && spell[1] == 0) {
                    spell[1] = 1;
                    tell(SERVICE_FAILING, svc.id() + "-" + now, now, service(svc).put("consecutive_failures", spell[0])
                            .put("last_error", error));
                }
            } else {
                if (spell[1] == 1) tell(SERVICE_RECOVERED, svc.id() + "-" + now, now, service(svc).put("failures_before", spell[0]));
                spell[0] = 0;
                spell[1] = 0;
            }
        }
    }

    @Override
    public void breakerOpened(Service svc, long openUntil, long now) {
        tell(BREAKER_OPENED, svc.id() + "-" + now, now, service(svc).put("open_until", Instant.ofEpochMilli(openUntil).toString())
                .put("cooldown_s", svc.breaker().cooldownS()));
    }

    @Override
    public void breakerClosed(Service svc, long now) {
        tell(BREAKER_CLOSED, svc.id() + "-" + now, now, service(svc));
    }

    @Override
    public void subscriptionDisabled(Service svc, Subscription sub, String reason, long now) {
        tell(SUBSCRIPTION_DISABLED, sub.id() + "-" + now, now, service(svc).put("subscription_id", sub.id()).put("reason", reason));
    }

    private void watchQuietly() {
        try {
            watch(System.currentTimeMillis());
        } catch (RuntimeException e) {
            log.warn("operational_events.watch_failed error={}", e.toString());
        }
    }

    /** Tells the watched conditions that hold now, each at most once in its hour. */
    public void watch(long now) {
        long hour = now / HOUR_MS;
        for (SourceHealth s : watched.sources()) {
            ObjectNode data = Json.object().put("source_id", s.id()).put("source_name", s.name()).put("kind", s.kind())
                    .put("state", s.state());
            if ("failing".equals(s.state())) {
                tell(SOURCE_FAILING, s.id() + "-h" + hour, now, data.put("last_error", s.lastError()));
            } else if ((s.lagRows() != null && s.lagRows() >= thresholds.lagRows()) || (s.lagS() != null && s.lagS() >= thresholds.lagS())) {
                if (s.lagRows() != null) data.put("lag_rows", s.lagRows());
                if (s.lagS() != null) data.put("lag_s", s.lagS());
                tell(SOURCE_LAGGING, s.id() + "-h" + hour, now, data);
            }
        }
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT service_id, count(*) FROM deliveries WHERE status = 'dead'"
                    + " AND updated_at >= ? GROUP BY service_id HAVING count(*) >= ?")) {
                ps.setLong(1, now - HOUR_MS);
                ps.setInt(2, thresholds.deadLettersPerHour());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tell(DEAD_LETTERS_PILING, rs.getString(1) + "-h" + hour, now, Json.object().put("service_id", rs.getString(1))
                                .put("dead_letters_last_hour", rs.getLong(2)));
                    }
                }
            }
            return null;
        });
        told.values().removeIf(at -> at < now - 2 * HOUR_MS);
    }

    private static ObjectNode service(Service svc) {
        return Json.object().put("service_id", svc.id()).put("service_name", svc.name());
    }

    /** Stores the event (without waiting: the caller is a sending thread); the id makes a repeat the same event. */
    private void tell(String type, String subject, long now, ObjectNode data) {
        String id = type + "-" + subject;
        if (told.putIfAbsent(id, now) != null) return;
        ObjectNode doc = Json.object().put("id", id).put("type", type).put("source", SOURCE).put("time", Instant.ofEpochMilli(now).toString());
        doc.set("data", data);
        Event e = EventParser.parse(doc, "", new FieldErrors(), null);
        if (e == null) {
            log.warn("operational_events.invalid type={} id={}", type, id);
            return;
        }
        log.info("operational_event type={} id={}", type, id);
        writer.submit(List.of(e)).whenComplete((r, failure) -> {
            if (failure == null) return;
            told.remove(id); // told again at the next occasion
            log.warn("operational_events.not_stored type={} error={}", type, failure.toString());
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
