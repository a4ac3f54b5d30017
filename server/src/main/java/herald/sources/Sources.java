package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import herald.config.ConfigException;
import herald.ids.Ids;
import herald.ingest.EventWriter;
import herald.json.Json;
import herald.metrics.LabelledGauge;
import herald.outbound.OutboundGuard;
import herald.problem.FieldError;
import herald.problem.Problem;
import herald.routing.Router;
import herald.run.Periodic;
import herald.store.Database;
import herald.subscription.FormatRules;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running sources of this Herald: one {@link SourceTailer} per enabled source, kept in step with
 * the {@code sources} table (changed through the API, a restore, the sources file or another node)
 * every few seconds and at once after an API change. Each source is tailed by one node at a time,
 * the holder of its lease.
 */
public final class Sources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sources.class);
    private static final long RECONCILE_MS = 2_000;

    private final Database db;
    private final SourceStore store;
    private final EventWriter writer;
    private final Router router;
    private final FormatRules formats;
    private final OutboundGuard guard;
    /** This process, as the owner of source leases. */
    private final String node = Ids.newId("node");
    private final Map<String, SourceTailer> running = new ConcurrentHashMap<>();
    private volatile Map<String, Source> known = Map.of();
    private volatile boolean closing;
    private Periodic supervisor;
    private volatile List<LabelledGauge<SourceTailer>> gauges = List.of();

    public Sources(Database db, SourceStore store, EventWriter writer, Router router, FormatRules formats, OutboundGuard guard) {
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.router = router;
        this.formats = formats;
        this.guard = guard;
    }

    /** Null when a source's JDBC URL may be saved; a host that is a link-local or metadata address (or name) may not. */
    public String hostRefusal(String jdbcUrl) {
        for (String host : JdbcUrls.hosts(jdbcUrl)) {
            String why = guard.sourceHostRefusal(host);
            if (why != null) return why;
        }
        return null;
    }

    public SourceStore store() {
        return store;
    }

    /** Per-source gauges, refreshed with the set of running sources. */
    public void registerMetrics(MeterRegistry registry) {
        gauges = List.of(
                new LabelledGauge<>(registry, "herald_source_lag_rows", "log rows above the checkpoint", "source",
                        t -> orNaN(t.status().lagRows())),
                new LabelledGauge<>(registry, "herald_source_last_log_id", "the checkpoint", "source",
                        t -> orNaN(t.status().lastLogId())),
                new LabelledGauge<>(registry, "herald_source_failing", "1 while the Moodle database fails", "source",
                        t -> t.status().lastError() == null ? 0 : 1));
    }

    private void publishMetrics() {
        Map<String, SourceTailer> byName = new HashMap<>();
        for (SourceTailer t : running.values()) byName.put(t.source().name(), t);
        gauges.forEach(g -> g.set(byName));
    }

    private static double orNaN(Long v) {
        return v == null ? Double.NaN : v;
    }

    public void start() {
        reconcile();
        supervisor = Periodic.every("sources", RECONCILE_MS, "sources.reconcile_failed", this::reconcile);
    }

    /** Starts, restarts (changed settings) and stops tailers to match the table. */
    public synchronized void reconcile() {
        if (closing) return;
        List<Source> all = db.read(store::all);
        Map<String, Source> byId = new HashMap<>();
        for (Source s : all) byId.put(s.id(), s);
        known = Map.copyOf(byId);
        for (var e : new ArrayList<>(running.entrySet())) {
            Source now = byId.get(e.getKey());
            Source was = e.getValue().source();
            if (now == null || !now.enabled() || now.updatedAt() != was.updatedAt()) {
                running.remove(e.getKey());
                e.getValue().stop();
            }
        }
        for (Source s : all) {
            if (s.enabled() && !running.containsKey(s.id())) {
                SourceTailer t = new SourceTailer(s, db, store, writer, router, formats, guard, node);
                running.put(s.id(), t);
                t.start();
            }
        }
        publishMetrics();
    }

    /** The site URL of a source (its {@code $CFG->wwwroot}), for payloads that name the host. */
    public Optional<String> siteUrl(String sourceId) {
        if (sourceId == null) return Optional.empty();
        Source s = known.get(sourceId);
        return s == null ? Optional.empty() : Optional.ofNullable(s.siteUrl());
    }

    /**
     * Where a source stands. {@code tailedHere} is false when this node does not tail it (disabled,
     * or another node holds it): then only {@code state} and {@code lastLogId} are known.
     */
    public record Status(boolean tailedHere, String state, Long lastLogId, Long lagRows, Long lagS, String lastError,
                         long lastErrorAt, int watched, long givenUp, long lastPollAt) {}

    /** The status of a source as this node knows it. */
    public Status status(Source s) {
        SourceTailer t = running.get(s.id());
        // A standby tailer has read nothing: where the source stands is what its holder committed.
        if (t != null && !"standby".equals(t.status().state())) {
            SourceTailer.Status st = t.status();
            return new Status(true, st.state(), st.lastLogId(), st.lagRows(), st.lagS(), st.lastError(), st.lastErrorAt(),
                    st.watched(), st.givenUp(), st.lastPollAt());
        }
        SourceStore.State st = db.read(c -> store.state(c, s.id()));
        return new Status(false, s.enabled() ? "standby" : "disabled", st.lastLogId(), null, null, null, 0, 0, 0, 0);
    }

    /** What a connection test found: whether Herald can read the log table, and its newest row. */
    public record ConnectionTest(boolean ok, String message, Long newestLogId, Long newestLogAt, long durationMs) {}

    /**
     * Connects to the source's database as its tailer would and reads the newest row of its log
     * table: for the "test connection" button, before a source is saved. Errors are told as the
     * source's status tells them (no credentials, no driver internals).
     */
    public ConnectionTest testConnection(Source s) {
        long start = System.currentTimeMillis();
        try (var c = MoodleConnections.open(s, guard)) {
            MoodleLog.Head head = new MoodleLog(s.logTable()).head(c);
            long took = System.currentTimeMillis() - start;
            return head == null
                    ? new ConnectionTest(true, "Connected; " + s.logTable() + " is empty", null, null, took)
                    : new ConnectionTest(true, "Connected; the newest row of " + s.logTable() + " is " + head.id(), head.id(),
                            head.timecreated() * 1000, took);
        } catch (java.sql.SQLException | RuntimeException e) {
            return new ConnectionTest(false, SourceErrors.describe(e, s), null, null, System.currentTimeMillis() - start);
        }
    }

    /**
     * Creates or updates (by name) the sources listed in a JSON file: an array of source objects as
     * the API takes them. Sources not in the file are left alone. A bad file stops the start with
     * every problem named.
     */
    public static void loadFile(Database db, SourceStore store, Path file) {
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(List.of("HERALD_SOURCES_FILE " + file + ": cannot read: " + e.getMessage()));
        }
        if (doc == null || !doc.isArray()) throw new ConfigException(List.of("HERALD_SOURCES_FILE " + file + ": must be a JSON array of sources"));
        List<String> problems = new ArrayList<>();
        db.inTransaction(c -> {
            for (int i = 0; i < doc.size(); i++) {
                JsonNode in = doc.get(i);
                String name = in.path("name").asText("");
                Source existing = store.byName(c, name).orElse(null);
                Source parsed;
                try {
                    parsed = SourceJson.parse(in, existing);
                } catch (Problem e) {
                    for (FieldError fe : e.errors()) problems.add("[" + i + "]." + fe.field() + ": " + fe.message());
                    continue;
                }
                long now = System.currentTimeMillis();
                if (existing == null) {
                    store.insert(c, parsed.withId(Ids.newId("src"), now, now));
                } else if (!SourceJson.toJson(parsed.withId(null, 0, 0), true)
                        .equals(SourceJson.toJson(existing.withId(null, 0, 0), true))) { // unchanged: keep updated_at
                    store.update(c, parsed.withId(existing.id(), existing.createdAt(), now));
                }
            }
            if (!problems.isEmpty()) {
                // A configuration problem, said as the others are: one line each, exit 2 (not a stack trace).
                throw new ConfigException(problems.stream().map(p -> "HERALD_SOURCES_FILE " + file + " " + p).toList());
            }
            return null;
        });
        log.info("sources.file_loaded file={} sources={}", file, doc.size());
    }

    @Override
    public void close() {
        closing = true;
        if (supervisor != null) supervisor.close();
        synchronized (this) {
            running.values().parallelStream().forEach(SourceTailer::stop);
            running.clear();
        }
    }
}
