package herald.sources;

import herald.event.Event;
import herald.ingest.EventWriter;
import herald.outbound.OutboundGuard;
import herald.routing.Router;
import herald.store.Database;
import herald.subscription.FormatRules;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails one source on its own thread: reads new log rows in id order, turns them into events and
 * stores them together with the new checkpoint in one transaction of Herald's database.
 *
 * <p>Moodle allocates log ids before its transaction commits, so a lower id can become visible after
 * a higher one. Ids missing below the highest id read are watched for the source's grace period and
 * stored when they appear, then given up. Event ids are source + log id, so a row read twice is
 * stored once. A poll that returned a full batch is followed at once by the next; otherwise the next
 * starts one poll interval after this one started. An unreachable Moodle database is retried with back-off and shown
 * in the status; it holds up no other source.
 */
final class SourceTailer {
    private static final Logger log = LoggerFactory.getLogger(SourceTailer.class);
    static final long LEASE_MS = 30_000;
    private static final long MAX_BACKOFF_MS = 60_000;
    /** A larger hole in the ids is a purge or a sequence jump, not transactions in flight: not watched. */
    private static final int MAX_GAP = 10_000;

    /** What the status API shows; replaced as a whole after each poll. */
    record Status(String state, Long lastLogId, Long lagRows, Long lagS, String lastError, long lastErrorAt,
                  int watched, long givenUp, long lastPollAt) {}

    private final Source source;
    private final Database db;
    private final SourceStore store;
    private final EventWriter writer;
    private final Router router;
    private final FormatRules formats;
    private final OutboundGuard guard;
    private final String node;
    private final MoodleLog moodleLog;
    private volatile boolean stopping;
    private volatile Status status = new Status("starting", null, null, null, null, 0, 0, 0, 0);
    private Thread thread;

    // Owned by the tailer thread.
    private Connection moodle;
    private Long checkpoint;
    private TreeMap<Long, Long> watched = new TreeMap<>();
    private long lastReadTime;
    private long leaseRenewedAt;
    private long givenUp;

    SourceTailer(Source source, Database db, SourceStore store, EventWriter writer, Router router, FormatRules formats,
                 OutboundGuard guard, String node) {
        this.source = source;
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.router = router;
        this.formats = formats;
        this.guard = guard;
        this.node = node;
        this.moodleLog = new MoodleLog(source.logTable());
    }

    Source source() {
        return source;
    }

    Status status() {
        return status;
    }

    void start() {
        thread = Thread.ofVirtual().name("source-" + source.name()).start(this::run);
    }

    /** Stops after the current poll and gives the lease back so that another node may take over at once. */
    void stop() {
        stopping = true;
        if (thread == null) return;
        LockSupport.unpark(thread);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = 0;
        while (!stopping) {
            boolean more = false;
            long pollStarted = System.nanoTime();
            try {
                if (!holdLease()) {
                    setStatus("standby", null);
                    pause(source.pollMs());
                    continue;
                }
                more = pollOnce();
                backoff = 0;
                setStatus("running", null);
            } catch (Exception e) {
                if (stopping) break;
                closeMoodle();
                checkpoint = null; // reloaded from the database: the failed commit may or may not have happened
                backoff = backoff == 0 ? Math.max(1000, source.pollMs()) : Math.min(MAX_BACKOFF_MS, backoff * 2);
                String reason = SourceErrors.describe(e, source);
                log.warn("source.poll_failed source={} retry_in_ms={} error={}", source.name(), backoff, reason);
                setStatus(e instanceof SourceStore.LeaseLost ? "standby" : "backing_off", reason);
                pause(backoff);
                continue;
            }
            // Polls start every poll_ms (not poll_ms after the last one ended): a row waits at most that long.
            if (!more) pause(source.pollMs() - (System.nanoTime() - pollStarted) / 1_000_000);
        }
        closeMoodle();
        try {
            db.inTransaction(c -> {
                store.releaseLease(c, source.id(), node);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("source.lease_release_failed source={} error={}", source.name(), e.toString());
        }
        setStatus("stopped", null);
    }

    private boolean holdLease() {
        long now = System.currentTimeMillis();
        if (leaseRenewedAt > 0 && now - leaseRenewedAt < LEASE_MS / 3) return true;
        boolean held = db.inTransaction(c -> store.lease(c, source.id(), node, now, now + LEASE_MS));
        if (held) {
            leaseRenewedAt = now;
        } else {
            leaseRenewedAt = 0;
            checkpoint = null; // the other node moves the position meanwhile
        }
        return held;
    }

    /** One poll; true when it read a full batch, so that more rows are probably waiting. */
    private boolean pollOnce() throws SQLException, InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Connection c = moodle();
        if (checkpoint == null) loadPosition(c);
        long now = System.currentTimeMillis();
        List<MoodleLog.Row> rows = moodleLog.after(c, checkpoint, source.batchSize());
        List<MoodleLog.Row> late = watched.isEmpty() ? List.of() : moodleLog.byIds(c, watched.keySet());
        MoodleLog.Head head = moodleLog.head(c);

        List<Long> newlyWatched = new ArrayList<>();
        long next = checkpoint;
        for (MoodleLog.Row r : rows) {
            long gap = r.id() - next - 1;
            if (gap > MAX_GAP) {
                log.warn("source.gap_not_watched source={} from={} to={}", source.name(), next + 1, r.id() - 1);
            } else {
                for (long id = next + 1; id < r.id(); id++) newlyWatched.add(id);
            }
            next = r.id();
        }
        Set<Long> done = new HashSet<>();
        for (MoodleLog.Row r : late) done.add(r.id());
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, Long> w : watched.entrySet()) {
            if (!done.contains(w.getKey()) && now - w.getValue() >= source.graceS() * 1000L) expired.add(w.getKey());
        }
        if (!late.isEmpty()) log.info("source.late_rows source={} count={}", source.name(), late.size());
        if (!expired.isEmpty()) {
            log.warn("source.ids_given_up source={} count={} first={} grace_s={}", source.name(), expired.size(),
                    expired.get(0), source.graceS());
        }
        done.addAll(expired);

        List<MoodleLog.Row> all = new ArrayList<>(late);
        all.addAll(rows);
        List<Event> events = events(c, all);
        long newCheckpoint = next;
        if (!events.isEmpty() || !done.isEmpty() || newCheckpoint != checkpoint) {
            writer.writeWith(events, tx -> {
                store.checkpoint(tx, source.id(), node, newCheckpoint, now);
                store.watch(tx, source.id(), newlyWatched, now);
                store.unwatch(tx, source.id(), done);
            }).get(60, TimeUnit.SECONDS);
            checkpoint = newCheckpoint;
            watched.keySet().removeAll(done);
            for (long id : newlyWatched) watched.put(id, now);
            givenUp += expired.size();
            if (!rows.isEmpty()) lastReadTime = rows.get(rows.size() - 1).timecreated();
        }
        long lagRows = head == null ? 0 : Math.max(0, head.id() - checkpoint);
        long lagS = lagRows == 0 ? 0 : Math.max(0, head.timecreated() - (lastReadTime > 0 ? lastReadTime : now / 1000));
        status = new Status(status.state(), checkpoint, lagRows, lagS, status.lastError(), status.lastErrorAt(),
                watched.size(), givenUp, now);
        return rows.size() == source.batchSize();
    }

    /** The events of {@code rows}, with records where a subscription that would receive the event needs one. */
    private List<Event> events(Connection c, List<MoodleLog.Row> rows) throws SQLException {
        if (rows.isEmpty()) return List.of();
        List<Event> events = new ArrayList<>(rows.size());
        List<MoodleLog.Row> enrich = new ArrayList<>();
        List<Router.Route> routes = null; // read only when some row could have a record
        for (MoodleLog.Row r : rows) {
            Event e = MoodleLog.toEvent(source.id(), r);
            events.add(e);
            if (source.enrich() && r.objectid() != null && r.objecttable() != null) {
                if (routes == null) routes = db.read(router::routes);
                if (!wantsRecord(routes, e)) continue;
                String notRead = Records.notReadReason(source.recordTables(), r.objecttable());
                if (notRead == null) {
                    enrich.add(r);
                } else { // not false: false says the row is gone, and nobody looked
                    e.body().putNull("record");
                    e.body().put("record_error", notRead);
                }
            }
        }
        if (enrich.isEmpty()) return events;
        Map<Long, Records.Result> records = Records.load(c, source.tablePrefix(), enrich);
        Map<String, Integer> failures = new java.util.TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Records.Result res = records.get(rows.get(i).id());
            if (res == null) continue;
            var body = events.get(i).body();
            if (res.error() == null) {
                body.set("record", res.record());
            } else {
                body.putNull("record");
                body.put("record_error", res.error());
                failures.merge(res.error(), 1, Integer::sum);
            }
        }
        failures.forEach((error, count) ->
                log.warn("source.record_failed source={} events={} error={}", source.name(), count, error));
        return events;
    }

    /** A record is loaded only for events that some subscription renders with it (its format says so). */
    private boolean wantsRecord(List<Router.Route> routes, Event e) {
        for (Router.Route route : routes) {
            if (formats.needsRecord(route.subscription()) && route.matches(e)) return true;
        }
        return false;
    }

    private void loadPosition(Connection c) throws SQLException {
        Long cp = db.read(tx -> store.state(tx, source.id())).lastLogId();
        if (cp == null) {
            cp = resolveStart(c);
            long at = cp;
            db.inTransaction(tx -> {
                store.checkpoint(tx, source.id(), node, at, System.currentTimeMillis());
                return null;
            });
            log.info("source.started source={} start={} after_log_id={}", source.name(), source.start(), at);
        } else { // this node's start, a takeover from another node, or after a failure
            log.info("source.resumed source={} after_log_id={}", source.name(), cp);
        }
        checkpoint = cp;
        watched = db.read(tx -> store.watched(tx, source.id()));
    }

    /** The checkpoint a new source starts from: rows after it are read. */
    private long resolveStart(Connection c) throws SQLException {
        return switch (source.start()) {
            case "now" -> {
                MoodleLog.Head head = moodleLog.head(c);
                yield head == null ? 0 : head.id();
            }
            // Not MIN(id) - 1: a row below the lowest visible one may still be uncommitted. Ids below the
            // first row are watched like any gap (a purged range wider than MAX_GAP is not).
            case "beginning" -> 0L;
            default -> Long.parseLong(source.start()) - 1;
        };
    }

    private Connection moodle() throws SQLException {
        if (moodle != null) return moodle;
        moodle = MoodleConnections.open(source, guard);
        return moodle;
    }

    private void closeMoodle() {
        if (moodle == null) return;
        try {
            moodle.close();
        } catch (SQLException ignored) {
            // the connection is being dropped because it failed
        }
        moodle = null;
    }

    private void setStatus(String state, String error) {
        Status s = status;
        status = new Status(state, s.lastLogId(), s.lagRows(), s.lagS(), error,
                error == null ? s.lastErrorAt() : System.currentTimeMillis(), s.watched(), s.givenUp(), s.lastPollAt());
    }

    private void pause(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long left;
        while (!stopping && (left = deadline - System.nanoTime()) > 0) LockSupport.parkNanos(left);
    }
}
