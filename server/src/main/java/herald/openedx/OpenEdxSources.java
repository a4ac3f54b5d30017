package herald.openedx;

import herald.ingest.EventWriter;
import herald.outbound.OutboundGuard;
import herald.run.Periodic;
import herald.store.Database;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open edX event bus sources this node reads: one consumer per enabled source, started,
 * restarted (changed settings) and stopped to match the table every few seconds and at once after
 * an API change. Every node reads every source, as a consumer of the source's group: Redis hands
 * each entry to one of them.
 */
public final class OpenEdxSources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenEdxSources.class);
    private static final long RECONCILE_MS = 5_000;

    /** One topic: its stream, the group's last delivered entry, how many entries the group is behind, whether that nears the trim length. */
    public record TopicStatus(String topic, String stream, String lastEntryId, Long lag, Long pending, Long length, boolean nearTrim) {}

    /** A source on this node: {@code state} reading|failing|starting|stopped, or disabled. */
    public record Status(String state, List<TopicStatus> topics, String lastError, long lastErrorAt, long stored, long duplicates,
                         long failed, long trimmedBeforeRead, long lastReadAt) {
        static Status disabled() {
            return new Status("disabled", List.of(), null, 0, 0, 0, 0, 0, 0);
        }
    }

    private final Database db;
    private final EventBusStore store;
    private final EventWriter writer;
    private final OpenEdxSchemas schemas;
    private final OutboundGuard guard;
    private final String consumerName;
    private final ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    private final Map<String, EventBusConsumer> running = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private Periodic supervisor;

    public OpenEdxSources(Database db, EventBusStore store, EventWriter writer, OpenEdxSchemas schemas, OutboundGuard guard,
                          String consumerName) {
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.schemas = schemas;
        this.guard = guard;
        this.consumerName = consumerName;
    }

    public EventBusStore store() {
        return store;
    }

    public OpenEdxSchemas schemas() {
        return schemas;
    }

    public void start() {
        reconcile();
        supervisor = Periodic.every("openedx-sources", RECONCILE_MS, "openedx.reconcile_failed", this::reconcile);
    }

    public synchronized void reconcile() {
        if (closing) return;
        Map<String, EventBusSource> byId = new HashMap<>();
        for (EventBusSource s : db.read(store::all)) byId.put(s.id(), s);
        for (var e : new ArrayList<>(running.entrySet())) {
            EventBusSource now = byId.get(e.getKey());
            if (now == null || !now.enabled() || now.updatedAt() != e.getValue().source().updatedAt()) {
                running.remove(e.getKey());
                e.getValue().stop();
            }
        }
        for (EventBusSource s : byId.values()) {
            if (s.enabled() && !running.containsKey(s.id())) {
                var c = new EventBusConsumer(s, db, store, writer, schemas, guard, resources, consumerName);
                running.put(s.id(), c);
                c.start();
            }
        }
    }

    public Status status(EventBusSource s) {
        EventBusConsumer c = running.get(s.id());
        return c == null ? Status.disabled() : c.status();
    }

    /**
     * Connects to the source's Redis as its consumer would and reads each topic's stream length,
     * saving nothing: for the "test connection" button. Errors say what to check, never the URL.
     */
    public herald.sources.Sources.ConnectionTest testConnection(EventBusSource s) {
        long start = System.currentTimeMillis();
        io.lettuce.core.RedisClient client = null;
        try {
            RedisURI uri = RedisURI.create(s.redisUrl());
            String refusal = guard.sourceHostRefusal(uri.getHost());
            if (refusal != null) throw new IllegalStateException(refusal);
            uri.setTimeout(java.time.Duration.ofSeconds(5));
            client = io.lettuce.core.RedisClient.create(resources, uri);
            try (var c = client.connect()) {
                StringBuilder msg = new StringBuilder("Connected");
                for (String topic : s.topics()) {
                    String stream = s.stream(topic);
                    long n = c.sync().exists(stream) == 0 ? -1 : c.sync().xlen(stream);
                    msg.append("; ").append(stream).append(n < 0 ? ": no such stream yet (made when Herald starts reading)" : ": " + n + " entries");
                }
                return new herald.sources.Sources.ConnectionTest(true, msg.toString(), null, null, System.currentTimeMillis() - start);
            }
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (why.contains("NOAUTH") || why.contains("WRONGPASS")) why = "Redis refused the password";
            else if (e instanceof io.lettuce.core.RedisConnectionException) why = "cannot connect to Redis";
            return new herald.sources.Sources.ConnectionTest(false, why.replaceAll("redis(s?)://\\S*", "redis$1://…"), null, null,
                    System.currentTimeMillis() - start);
        } finally {
            if (client != null) client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
        }
    }

    /** Why Herald refuses this Redis URL's host as written (a link-local or metadata address), or null. */
    public String hostRefusal(String redisUrl) {
        try {
            return guard.sourceHostRefusal(RedisURI.create(redisUrl).getHost());
        } catch (IllegalArgumentException e) {
            return null; // the URL's own problem is named by its parser
        }
    }

    @Override
    public void close() {
        closing = true;
        if (supervisor != null) supervisor.close();
        List<EventBusConsumer> all = new ArrayList<>(running.values());
        running.clear();
        all.forEach(EventBusConsumer::stop);
        resources.shutdown();
    }
}
