package herald.ingest;

import herald.delivery.DeliveryIntake;
import herald.event.Event;
import herald.json.Json;
import herald.routing.Router;
import herald.store.Database;
import herald.store.Rows;
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
    private final DeliveryIntake intake;
    private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(20_000);
    private final List<Thread> writers = new ArrayList<>();
    /**
     * How many names ingest adds to the catalog at most: past it, new names are stored with their
     * events but not listed. Without it an ingest key sending a new name with every event grew the
     * catalog table and this set without end (some 4,000 names a 1 MiB request), and every catalog
     * read and subscription form with them.
     */
    static final int MAX_SEEN_TYPES = 10_000;
    /** The names in the catalog's table (read at start), so a name is written there once. */
    private final Set<String> knownTypes = ConcurrentHashMap.newKeySet();
    /** Names the catalog has built in: marked seen past the cap too (they are a few hundred). */
    private final java.util.function.Predicate<String> builtIn;
    private volatile boolean closing;

    /** {@code writerCount}: transactions that may commit at once (the dialect may allow fewer). */
    public EventWriter(Database db, Router router, DeliveryIntake intake, int writerCount,
                       java.util.function.Predicate<String> builtIn) {
        this.builtIn = builtIn;
        this.db = db;
        this.router = router;
        this.intake = intake;
        knownTypes.addAll(db.read(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM event_types_seen");
                 java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(rs.getString(1));
            }
            return names;
        }));
        writerCount = db.dialect().writers(writerCount);
        for (int i = 0; i < writerCount; i++) {
            writers.add(Thread.ofPlatform().name("event-writer-" + i).daemon(false).start(this::run));
        }
    }

    /**
     * Stores {@code events} and returns once they are committed, for a consumer that acknowledges its
     * broker only after that (a bus, a queue): while ingest is full it waits and tries again (its
     * messages stay unacknowledged meanwhile), until {@code running} says to stop. Any other failure,
     * or a commit taking over a minute, is thrown: the consumer leaves its messages unacknowledged.
     */
    public List<Outcome> storeDurably(List<Event> events, java.util.function.BooleanSupplier running) throws InterruptedException {
        long waitMs = 100;
        while (true) {
            try {
                return submit(events).get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof OverloadedException)) throw new IllegalStateException("storing events failed", e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("storing events took over 60 s");
            }
            if (!running.getAsBoolean()) throw new InterruptedException("stopping");
            Thread.sleep(waitMs);
            waitMs = Math.min(2_000, waitMs * 2);
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

    private void commit(List<Request> group) {
        DeliveryIntake.Batch[] created = new DeliveryIntake.Batch[1];
        try {
            Set<String> newTypes = new HashSet<>();
            List<List<Outcome>> results = db.inTransaction(c -> write(c, group, newTypes, created));
            knownTypes.addAll(newTypes);
            created[0].committed();
            for (int i = 0; i < group.size(); i++) group.get(i).done.complete(results.get(i));
        } catch (RuntimeException e) {
            if (created[0] != null) created[0].abandoned();
            if (group.size() == 1) {
                log.warn("event.write_failed events={} error={}", group.get(0).events.size(), e.toString());
                group.get(0).done.completeExceptionally(e);
                return;
            }
            // One request's failure must not fail the others: commit each alone.
            for (Request r : group) commit(List.of(r));
        }
    }

    private List<List<Outcome>> write(Connection c, List<Request> group, Set<String> newTypes, DeliveryIntake.Batch[] created)
            throws SQLException {
        Router.Table table = router.table(c);
        List<Router.Route> routes = table.routes();
        long now = System.currentTimeMillis();
        DeliveryIntake.Batch batch = intake.open(table, now);
        created[0] = batch;
        List<Event> all = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (Request r : group) {
            all.addAll(r.events);
            bodies.addAll(r.bodies);
        }
        boolean[] stored = db.dialect().write(c, EVENTS, stored(all, bodies, now)).changed();
        List<List<Outcome>> results = new ArrayList<>(group.size());
        int k = 0;
        for (Request r : group) {
            List<Outcome> outcomes = new ArrayList<>(r.events.size());
            for (int j = 0; j < r.events.size(); j++) {
                Event e = r.events.get(j);
                if (!stored[k++]) {
                    outcomes.add(new Outcome(e.id(), true, 0));
                    continue;
                }
                if (!knownTypes.contains(e.type())
                        && (knownTypes.size() + newTypes.size() < MAX_SEEN_TYPES || builtIn.test(e.type()))) newTypes.add(e.type());
                List<Router.Route> matched = router.matching(routes, e);
                for (Router.Route route : matched) batch.add(c, e, r.bodies.get(j), route);
                outcomes.add(new Outcome(e.id(), false, matched.size()));
            }
            results.add(outcomes);
        }
        batch.store(c);
        if (!newTypes.isEmpty()) recordTypes(c, newTypes, all, now);
        for (Request r : group) if (r.extra != null) r.extra.run(c);
        return results;
    }

    /** An event as stored, with the time it was received. */
    private record Stored(Event event, String body, long receivedAt) {}

    private static List<Stored> stored(List<Event> events, List<String> bodies, long now) {
        List<Stored> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) out.add(new Stored(events.get(i), bodies.get(i), now));
        return out;
    }

    /** Events are written once: a known id is skipped, and then that event is a duplicate (no new deliveries). */
    private static final Rows<Stored> EVENTS = Rows.insert("events", "id", "ON CONFLICT (id) DO NOTHING", List.of(
            new Rows.Column<>("id", Rows.Type.TEXT, s -> s.event().id()),
            new Rows.Column<>("type", Rows.Type.TEXT, s -> s.event().type()),
            new Rows.Column<>("source", Rows.Type.TEXT, s -> s.event().source()),
            new Rows.Column<>("course_id", Rows.Type.TEXT, s -> s.event().courseId()),
            new Rows.Column<>("user_id", Rows.Type.TEXT, s -> s.event().userId()),
            new Rows.Column<>("occurred_at", Rows.Type.BIGINT, s -> s.event().occurredAtMillis()),
            new Rows.Column<>("received_at", Rows.Type.BIGINT, Stored::receivedAt),
            new Rows.Column<>("body", Rows.Type.TEXT, Stored::body)));

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
