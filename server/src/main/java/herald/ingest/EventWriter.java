package herald.ingest;

import herald.delivery.Delivery;
import herald.delivery.DeliveryStore;
import herald.delivery.Dispatcher;
import herald.event.Event;
import herald.event.Ids;
import herald.event.Json;
import herald.routing.Router;
import herald.store.Database;
import herald.store.PgColumns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores events and their deliveries with group commit: concurrent requests queue here, a writer
 * takes everything waiting and commits it in one transaction, then answers each request. One fsync
 * then serves many requests. A request is answered only after its commit.
 *
 * <p>SQLite has one writer. PostgreSQL has several ({@code HERALD_INGEST_WRITERS}): while one waits
 * for its commit to be flushed, the next takes what has queued meanwhile, and PostgreSQL flushes
 * overlapping commits together. Measured with 64 single-event clients, letting the second writer in
 * only behind a backlog of 128 events (larger groups, fewer commits) gave 6.3k events/s; letting it
 * take whatever waits gave 8.3k.
 */
public final class EventWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);
    private static final int MAX_EVENTS_PER_COMMIT = 2000;

    /** What happened to one event: stored anew (with how many deliveries) or already known. */
    public record Outcome(String id, boolean duplicate, int deliveries) {}

    /** Thrown when the queue is full: the client should retry later (503). */
    public static final class OverloadedException extends RuntimeException {
        OverloadedException() {
            super("ingest queue is full");
        }
    }

    /** Statements committed in the same transaction as a request's events, such as a source's checkpoint. */
    @FunctionalInterface
    public interface SameTransaction {
        void run(Connection c) throws SQLException;
    }

    /** {@code bodies}: the events' documents as stored, serialized by the caller so writers only write. */
    private record Request(List<Event> events, List<String> bodies, SameTransaction extra,
                           CompletableFuture<List<Outcome>> done) {}

    private final Database db;
    private final Router router;
    private final Dispatcher dispatcher;
    private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(20_000);
    private final List<Thread> writers = new ArrayList<>();
    private final Set<String> knownTypes = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    public EventWriter(Database db, Router router, Dispatcher dispatcher, int writerCount) {
        this.db = db;
        this.router = router;
        this.dispatcher = dispatcher;
        for (int i = 0; i < writerCount; i++) {
            writers.add(Thread.ofPlatform().name("event-writer-" + i).daemon(false).start(this::run));
        }
    }

    public CompletableFuture<List<Outcome>> submit(List<Event> events) {
        return writeWith(events, null);
    }

    /**
     * Like {@link #submit}, and {@code extra} runs in the transaction that commits these events (after
     * them): both commit or neither. If {@code extra} throws, only this request fails.
     */
    public CompletableFuture<List<Outcome>> writeWith(List<Event> events, SameTransaction extra) {
        CompletableFuture<List<Outcome>> done = new CompletableFuture<>();
        List<String> bodies = new ArrayList<>(events.size());
        for (Event e : events) bodies.add(Json.write(e.body()));
        if (closing || !queue.offer(new Request(events, bodies, extra, done))) {
            done.completeExceptionally(new OverloadedException());
        }
        return done;
    }

    private void run() {
        List<Request> group = new ArrayList<>();
        while (true) {
            try {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) return;
                    continue;
                }
                commitGroupStartingWith(first, group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void commitGroupStartingWith(Request first, List<Request> group) {
        try {
            group.add(first);
            int events = first.events.size();
            Request next;
            while (events < MAX_EVENTS_PER_COMMIT && (next = queue.poll()) != null) {
                group.add(next);
                events += next.events.size();
            }
            commit(group);
        } finally {
            group.clear();
        }
    }

    /** What one commit attempt stored for delivery: handed straight to the dispatcher, or left to claim. */
    private static final class NewDeliveries {
        Dispatcher.Handoff handoff;
        int pending;
    }

    private void commit(List<Request> group) {
        NewDeliveries created = new NewDeliveries();
        try {
            Set<String> newTypes = new HashSet<>();
            List<List<Outcome>> results = db.inTransaction(c -> write(c, group, newTypes, created));
            knownTypes.addAll(newTypes);
            if (created.handoff != null) created.handoff.committed();
            for (int i = 0; i < group.size(); i++) group.get(i).done.complete(results.get(i));
            // Waking the dispatchers costs each a claim query: only when there is something to claim.
            if (created.pending > 0) dispatcher.wake();
        } catch (RuntimeException e) {
            if (created.handoff != null) created.handoff.abandoned();
            if (group.size() == 1) {
                log.warn("event.write_failed events={} error={}", group.get(0).events.size(), e.toString());
                group.get(0).done.completeExceptionally(e);
                return;
            }
            // One request's failure must not fail the others: commit each alone.
            for (Request r : group) commit(List.of(r));
        }
    }

    private List<List<Outcome>> write(Connection c, List<Request> group, Set<String> newTypes, NewDeliveries created)
            throws SQLException {
        Router.Table table = router.table(c);
        List<Router.Route> routes = table.routes();
        long now = System.currentTimeMillis();
        List<Event> all = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        boolean handoffAsked = false;
        for (Request r : group) {
            all.addAll(r.events);
            bodies.addAll(r.bodies);
        }
        boolean[] stored = all.isEmpty() ? new boolean[0] : db.dialect() == Database.Dialect.POSTGRES
                ? insertPostgres(c, all, bodies, now) : insertBatch(c, all, bodies, now);
        List<List<Outcome>> results = new ArrayList<>(group.size());
        int k = 0;
        List<Delivery> deliveries = new ArrayList<>();
        for (Request r : group) {
            List<Outcome> outcomes = new ArrayList<>(r.events.size());
            for (int j = 0; j < r.events.size(); j++) {
                Event e = r.events.get(j);
                if (!stored[k++]) {
                    outcomes.add(new Outcome(e.id(), true, 0));
                    continue;
                }
                if (!knownTypes.contains(e.type())) newTypes.add(e.type());
                List<Router.Route> matched = router.matching(routes, e);
                if (!matched.isEmpty() && !handoffAsked) {
                    created.handoff = dispatcher.handoff(c, table, now);
                    handoffAsked = true;
                }
                for (Router.Route route : matched) {
                    // Stored already claimed when this node's dispatcher takes it (sent once committed), else pending.
                    Delivery d = new Delivery(Ids.newId("msg"), e.id(), route.subscription().id(), route.service().id(),
                            "delivering", 0, now, null, now, now);
                    if (created.handoff == null || !created.handoff.take(d, route.service(), r.bodies.get(j))) {
                        d = d.withStatus("pending");
                        created.pending++;
                    }
                    deliveries.add(d);
                }
                outcomes.add(new Outcome(e.id(), false, matched.size()));
            }
            results.add(outcomes);
        }
        DeliveryStore.insertNew(c, db.dialect() == Database.Dialect.POSTGRES, deliveries,
                created.handoff == null ? null : created.handoff.leaseUntil());
        if (!newTypes.isEmpty()) recordTypes(c, newTypes, all, now);
        for (Request r : group) if (r.extra != null) r.extra.run(c);
        return results;
    }

    private static final String INSERT_EVENT = "INSERT INTO events (id, type, source, course_id, user_id, occurred_at,"
            + " received_at, body) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING";

    /** Which of {@code events} were new (a known id is skipped): one statement execution per event. */
    private static boolean[] insertBatch(Connection c, List<Event> events, List<String> bodies, long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENT)) {
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                ps.setString(1, e.id());
                ps.setString(2, e.type());
                ps.setString(3, e.source());
                ps.setString(4, e.courseId());
                ps.setString(5, e.userId());
                ps.setLong(6, e.occurredAtMillis());
                ps.setLong(7, now);
                ps.setString(8, bodies.get(i));
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            boolean[] stored = new boolean[events.size()];
            for (int i = 0; i < counts.length; i++) stored[i] = counts[i] > 0;
            return stored;
        }
    }

    /**
     * PostgreSQL: the whole group as one statement over arrays, which costs the server much less per
     * event than one execution each. RETURNING names the ids that were new; where a group holds an id
     * twice, its first occurrence is the stored one.
     */
    private static boolean[] insertPostgres(Connection c, List<Event> events, List<String> bodies, long now)
            throws SQLException {
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, type, source, course_id, user_id,"
                + " occurred_at, received_at, body) SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::bigint[], ?::bigint[], ?::text[]) ON CONFLICT (id) DO NOTHING RETURNING id")) {
            ps.setArray(1, PgColumns.text(c, events, Event::id));
            ps.setArray(2, PgColumns.text(c, events, Event::type));
            ps.setArray(3, PgColumns.text(c, events, Event::source));
            ps.setArray(4, PgColumns.text(c, events, Event::courseId));
            ps.setArray(5, PgColumns.text(c, events, Event::userId));
            ps.setArray(6, PgColumns.bigint(c, events, Event::occurredAtMillis));
            ps.setArray(7, PgColumns.bigint(c, events, e -> now));
            ps.setArray(8, PgColumns.text(c, bodies, b -> b));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) inserted.add(rs.getString(1));
            }
        }
        boolean[] stored = new boolean[events.size()];
        for (int i = 0; i < stored.length; i++) stored[i] = inserted.remove(events.get(i).id());
        return stored;
    }

    /** Event names seen in ingest join the catalog. */
    private void recordTypes(Connection c, Set<String> names, List<Event> events, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO event_types_seen (name, component, first_seen_at) VALUES (?,?,?) ON CONFLICT (name) DO NOTHING")) {
            for (String name : names) {
                String component = events.stream().filter(e -> e.type().equals(name)).findFirst()
                        .map(e -> e.body().path("component").asText(null)).orElse(null);
                ps.setString(1, name);
                ps.setString(2, component);
                ps.setLong(3, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Stops taking requests and waits until everything queued is committed. */
    @Override
    public void close() {
        closing = true;
        for (Thread t : writers) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
