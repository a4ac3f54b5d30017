package herald.openedx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Event;
import herald.event.EventParser;
import herald.ingest.EventWriter;
import herald.outbound.OutboundGuard;
import herald.problem.FieldErrors;
import herald.store.Database;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one Open edX event bus source on this node: a consumer in the source's group on each topic's
 * stream. Each entry is stored as an event first and acknowledged after (event-bus-redis's own
 * consumer acknowledges even what it failed to process; Herald does not), so a crash between the
 * two leaves the entry pending: this node's next start reads its own pending entries again, and
 * another node takes over entries idle longer than {@code claim_idle_s}; the event's id (the
 * message's) makes the second store a duplicate. An entry that cannot become an event is kept with
 * the reason ({@link EventBusStore#fail}) and acknowledged, so the stream moves on.
 */
final class EventBusConsumer {
    private static final Logger log = LoggerFactory.getLogger(EventBusConsumer.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final long STATUS_EVERY_MS = 5_000;

    private final EventBusSource source;
    private final Database db;
    private final EventBusStore store;
    private final EventWriter writer;
    private final OpenEdxSchemas schemas;
    private final OutboundGuard guard;
    private final ClientResources resources;
    private final String consumerName;
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile RedisClient client;
    private volatile String state = "starting";
    private volatile String lastError;
    private volatile long lastErrorAt, lastReadAt, stored, duplicates, failed, trimmed;
    private volatile List<OpenEdxSources.TopicStatus> topicStatus = List.of();

    EventBusConsumer(EventBusSource source, Database db, EventBusStore store, EventWriter writer, OpenEdxSchemas schemas,
                     OutboundGuard guard, ClientResources resources, String consumerName) {
        this.source = source;
        this.db = db;
        this.store = store;
        this.writer = writer;
        this.schemas = schemas;
        this.guard = guard;
        this.resources = resources;
        this.consumerName = consumerName;
    }

    EventBusSource source() {
        return source;
    }

    void start() {
        thread = Thread.ofPlatform().name("openedx-" + source.name()).daemon().start(this::run);
    }

    void stop() {
        running = false;
        closeConnection();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    OpenEdxSources.Status status() {
        return new OpenEdxSources.Status(state, topicStatus, lastError, lastErrorAt, stored, duplicates, failed, trimmed, lastReadAt);
    }

    private void run() {
        long backoffMs = 1_000;
        while (running) {
            try {
                RedisCommands<String, byte[]> redis = connect();
                ensureGroups(redis);
                for (String topic : source.topics()) drainOwnPending(redis, source.stream(topic));
                state = "reading";
                backoffMs = 1_000;
                long statusAt = 0, claimAt = System.currentTimeMillis();
                while (running) {
                    long now = System.currentTimeMillis();
                    if (now - statusAt >= STATUS_EVERY_MS) {
                        refreshStatus(redis);
                        statusAt = now;
                    }
                    if (now - claimAt >= Math.min(30_000L, source.claimIdleS() * 1000L)) {
                        for (String topic : source.topics()) claimAbandoned(redis, source.stream(topic));
                        claimAt = now;
                    }
                    List<StreamMessage<String, byte[]>> batch = redis.xreadgroup(Consumer.from(source.group(), consumerName),
                            XReadArgs.Builder.count(source.batchSize()).block(Duration.ofSeconds(1)), lastConsumed());
                    if (batch != null && !batch.isEmpty()) {
                        process(batch);
                        // Show the new position within a second, not at the next 5 s mark; at most once a second.
                        statusAt = Math.min(statusAt, System.currentTimeMillis() - STATUS_EVERY_MS + 1_000);
                    }
                }
            } catch (RuntimeException | InterruptedException e) {
                if (!running) break;
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                state = "failing";
                lastError = describe(e);
                lastErrorAt = System.currentTimeMillis();
                log.warn("openedx.read_failed source={} retry_in_ms={} error={}", source.name(), backoffMs, lastError);
                closeConnection();
                sleep(backoffMs);
                backoffMs = Math.min(30_000, backoffMs * 2);
            }
        }
        closeConnection();
        state = "stopped";
    }

    @SuppressWarnings("unchecked")
    private XReadArgs.StreamOffset<String>[] lastConsumed() {
        return source.topics().stream().map(t -> XReadArgs.StreamOffset.lastConsumed(source.stream(t))).toArray(XReadArgs.StreamOffset[]::new);
    }

    private RedisCommands<String, byte[]> connect() {
        RedisURI uri = RedisURI.create(source.redisUrl());
        checkHost(uri.getHost());
        uri.setTimeout(Duration.ofSeconds(10)); // above the 1 s block of a read
        client = RedisClient.create(resources, uri);
        connection = client.connect(CODEC);
        return connection.sync();
    }

    /** Like a Moodle source's database, the bus is trusted configuration, but never a link-local or metadata address. */
    private void checkHost(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                String why = guard.sourceRefusal(a);
                if (why != null) throw new IllegalStateException(why);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot connect to Redis: its host name does not resolve");
        }
    }

    /** The group, created where the source says to start when it does not exist yet; an existing group keeps its place. */
    private void ensureGroups(RedisCommands<String, byte[]> redis) {
        for (String topic : source.topics()) {
            String stream = source.stream(topic);
            try {
                redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "beginning".equals(source.start()) ? "0-0" : "$"),
                        source.group(), XGroupCreateArgs.Builder.mkstream(true));
            } catch (RedisException e) {
                if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) throw e;
            }
        }
    }

    /** Entries this consumer read and did not acknowledge before (a crash between store and ack). */
    private void drainOwnPending(RedisCommands<String, byte[]> redis, String stream) throws InterruptedException {
        String after = "0";
        while (running) {
            List<StreamMessage<String, byte[]>> pending = redis.xreadgroup(Consumer.from(source.group(), consumerName),
                    XReadArgs.Builder.count(source.batchSize()), XReadArgs.StreamOffset.from(stream, after));
            if (pending == null || pending.isEmpty()) return;
            process(pending);
            after = pending.getLast().getId();
        }
    }

    /** Entries another consumer (a node that died) left pending longer than the source's claim idle time. */
    private void claimAbandoned(RedisCommands<String, byte[]> redis, String stream) throws InterruptedException {
        var claimed = redis.xautoclaim(stream, XAutoClaimArgs.Builder.xautoclaim(Consumer.from(source.group(), consumerName),
                Duration.ofSeconds(source.claimIdleS()), "0-0").count(source.batchSize()));
        if (claimed != null && !claimed.getMessages().isEmpty()) {
            log.info("openedx.claimed source={} stream={} entries={}", source.name(), stream, claimed.getMessages().size());
            process(claimed.getMessages());
        }
    }

    /** Stores the batch's events (and keeps what cannot be one), then acknowledges every entry of it. */
    private void process(List<StreamMessage<String, byte[]>> batch) throws InterruptedException {
        Map<String, Event> events = new LinkedHashMap<>();
        List<EventBusStore.Failed> failures = new ArrayList<>();
        Map<String, List<String>> ack = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (StreamMessage<String, byte[]> m : batch) {
            ack.computeIfAbsent(m.getStream(), s -> new ArrayList<>()).add(m.getId());
            Map<String, byte[]> body = m.getBody();
            if (body == null || body.isEmpty()) {
                trimmed++; // pending, but trimmed from the stream (MAXLEN) before it could be read again
                continue;
            }
            String type = EventBusMessages.header(body, "type");
            String id = EventBusMessages.header(body, "id");
            byte[] data = body.get("event_data");
            try {
                if (type == null || id == null || data == null) throw new OpenEdxSchemas.Undecodable("the entry lacks type, id or event_data");
                ObjectNode doc = EventBusMessages.event(body, schemas.decode(type, data), source.id(), m.getStream(), m.getId());
                FieldErrors errors = new FieldErrors();
                Event e = EventParser.parse(doc, "", errors, null);
                if (e == null) throw new OpenEdxSchemas.Undecodable("not an event: " + errors.list().get(0).field() + " " + errors.list().get(0).message());
                if (events.putIfAbsent(e.id(), e) != null) duplicates++; // one signal produced twice in a batch is one event
            } catch (OpenEdxSchemas.Undecodable u) {
                failures.add(new EventBusStore.Failed(0, source.id(), m.getStream(), m.getId(), id, type, u.getMessage(),
                        data == null ? null : Base64.getEncoder().encodeToString(data), now));
            }
        }
        if (!failures.isEmpty()) {
            db.inTransaction(c -> {
                for (var f : failures) store.fail(c, f);
                return null;
            });
            failed += failures.size();
            log.warn("openedx.undecodable source={} entries={} first={}", source.name(), failures.size(), failures.get(0).reason());
        }
        if (!events.isEmpty()) storeDurably(new ArrayList<>(events.values()));
        RedisCommands<String, byte[]> redis = connection.sync();
        ack.forEach((stream, ids) -> redis.xack(stream, source.group(), ids.toArray(String[]::new)));
        lastReadAt = System.currentTimeMillis();
    }

    /** Waits until the events are committed: only then may their entries be acknowledged. */
    private void storeDurably(List<Event> events) throws InterruptedException {
        for (var o : writer.storeDurably(events, () -> running)) {
            if (o.duplicate()) duplicates++;
            else stored++;
        }
    }

    /** Per stream: where the group is, how far behind, and whether the backlog nears the stream's trim length. */
    private void refreshStatus(RedisCommands<String, byte[]> redis) {
        List<OpenEdxSources.TopicStatus> out = new ArrayList<>();
        for (String topic : source.topics()) {
            String stream = source.stream(topic);
            Long lag = null, pending = null;
            String last = null;
            for (Object g : redis.xinfoGroups(stream)) {
                Map<String, Object> info = pairs(g);
                if (!source.group().equals(text(info.get("name")))) continue;
                last = text(info.get("last-delivered-id"));
                pending = number(info.get("pending"));
                lag = number(info.get("lag"));
            }
            long length = redis.xlen(stream);
            if (lag == null && last != null) lag = (long) redis.xrange(stream, Range.create(last, "+"), Limit.create(0, source.trimLength())).size();
            boolean nearTrim = lag != null && lag >= source.trimLength() * 8L / 10;
            if (nearTrim) {
                log.warn("openedx.backlog_near_trim source={} stream={} lag={} trim_length={}", source.name(), stream, lag, source.trimLength());
            }
            out.add(new OpenEdxSources.TopicStatus(topic, stream, last, lag, pending, length, nearTrim));
        }
        topicStatus = List.copyOf(out);
    }

    private static Map<String, Object> pairs(Object raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (raw instanceof List<?> l) {
            for (int i = 0; i + 1 < l.size(); i += 2) m.put(text(l.get(i)), l.get(i + 1));
        }
        return m;
    }

    private static String text(Object o) {
        if (o == null) return null;
        if (o instanceof byte[] b) return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        if (o instanceof java.nio.ByteBuffer b) return java.nio.charset.StandardCharsets.UTF_8.decode(b.duplicate()).toString();
        return o.toString();
    }

    private static Long number(Object o) {
        if (o instanceof Number n) return n.longValue();
        String t = text(o);
        try {
            return t == null ? null : Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What a person can act on: no URL, no password. */
    private static String describe(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof io.lettuce.core.RedisConnectionException) return "cannot connect to Redis (" + herald.text.Words.rootCause(e).getClass().getSimpleName() + ")";
        if (m.contains("NOAUTH") || m.contains("WRONGPASS")) return "Redis refused the password";
        return m.length() > 300 ? m.substring(0, 300) : m.replaceAll("redis(s?)://[^\\s]*", "redis$1://…");
    }

    private void closeConnection() {
        var c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // it failed already
            }
        }
        var cl = client;
        client = null;
        if (cl != null) cl.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
