package herald.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import herald.event.Event;
import herald.event.EventParser;
import herald.ids.Ids;
import herald.ingest.EventWriter;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.run.Periodic;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply queues of {@code amqp} services (Integration Hub's response queue): each message
 * becomes an event of the service's {@code reply_event_type} and is acknowledged only once that
 * event is committed, so a crash or a broker restart redelivers it rather than losing it (and the
 * event's id, from the message's {@code message_id}, makes a redelivered one the same event). A
 * message that is no event (an empty body) is rejected without requeueing. Every node consumes
 * every reply queue; the broker hands each message to one of them. The consumers match the
 * services every few seconds, and reconnect the same way after the broker went away.
 */
public final class ReplyQueues implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplyQueues.class);
    private static final long RECONCILE_MS = 5_000;
    /** Messages a consumer holds unacknowledged at once. */
    static final int PREFETCH = 50;

    /** A reply queue as this node sees it: {@code state} consuming|failing|starting, or none. */
    public record Status(String state, String queue, long consumed, long rejected, String lastError, long lastErrorAt) {}

    private final Database db;
    private final ConfigStore configs;
    private final AmqpConnections connections;
    private final EventWriter writer;
    /** What a reply may be, as an ingest body may (HERALD_MAX_BODY_BYTES): the broker's own limit is 16 MiB or more. */
    private final long maxBody;
    private final Map<String, Consumer> running = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private Periodic supervisor;

    public ReplyQueues(Database db, ConfigStore configs, AmqpConnections connections, EventWriter writer, long maxBody) {
        this.maxBody = maxBody;
        this.db = db;
        this.configs = configs;
        this.connections = connections;
        this.writer = writer;
    }

    public void start() {
        reconcileQuietly();
        supervisor = Periodic.every("amqp-reply-queues", RECONCILE_MS, "amqp.reconcile_failed", this::reconcile);
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.warn("amqp.reconcile_failed error={}", e.toString());
        }
    }

    /** Starts, restarts (changed settings, a lost connection) and stops consumers to match the services. */
    public synchronized void reconcile() {
        if (closing) return;
        Map<String, Service> wanted = new HashMap<>();
        for (Service s : db.read(configs::allServices)) {
            if (s.enabled() && s.isAmqp() && !s.amqp().replyQueue().isEmpty()) wanted.put(s.id(), s);
        }
        for (var e : new ArrayList<>(running.entrySet())) {
            Service now = wanted.get(e.getKey());
            if (now == null || now.updatedAt() != e.getValue().service.updatedAt()) {
                running.remove(e.getKey());
                e.getValue().stop();
            }
        }
        for (Service s : wanted.values()) {
            Consumer c = running.computeIfAbsent(s.id(), id -> new Consumer(s));
            if (!c.isConsuming()) c.connect();
        }
    }

    /** The reply queue of {@code svc} on this node, or null when it has none. */
    public Status status(Service svc) {
        if (!svc.isAmqp() || svc.amqp().replyQueue().isEmpty()) return null;
        Consumer c = running.get(svc.id());
        if (c == null) return new Status(svc.enabled() ? "starting" : "disabled", svc.amqp().replyQueue(), 0, 0, null, 0);
        return c.status();
    }

    /** One service's reply queue: a connection, a channel, a consumer. */
    private final class Consumer {
        final Service service;
        private Connection connection;
        private volatile boolean consuming;
        private volatile long consumed, rejected, lastErrorAt;
        private volatile String lastError;

        Consumer(Service service) {
            this.service = service;
        }

        boolean isConsuming() {
            return consuming && connection != null && connection.isOpen();
        }

        Status status() {
            return new Status(isConsuming() ? "consuming" : lastError != null ? "failing" : "starting", service.amqp().replyQueue(),
                    consumed, rejected, lastError, lastErrorAt);
        }

        synchronized void connect() {
            consuming = false;
            AmqpConnections.closeQuietly(connection);
            String queue = service.amqp().replyQueue();
            try {
                connection = connections.open(service, "herald-replies-" + service.name());
                Channel ch = declared(queue);
                ch.basicQos(PREFETCH);
                ch.basicConsume(queue, false, "herald-" + Ids.newId("c"), (tag, m) -> take(ch, m), tag -> consuming = false);
                connection.addShutdownListener(cause -> consuming = false);
                consuming = true;
                lastError = null;
                log.info("amqp.reply_queue_consuming service={} queue={}", service.name(), queue);
            } catch (IOException | java.util.concurrent.TimeoutException | AmqpConnections.Refused | RuntimeException e) {
                lastError = e instanceof AmqpConnections.Refused ? e.getMessage() : AmqpConnections.describe(e);
                lastErrorAt = System.currentTimeMillis();
                AmqpConnections.closeQuietly(connection);
                log.warn("amqp.reply_queue_failing service={} queue={} error={}", service.name(), queue, lastError);
            }
        }

        /** The queue, declared durable when it does not exist yet (an existing one is used as it is). */
        private Channel declared(String queue) throws IOException {
            Channel ch = connection.createChannel();
            try {
                ch.queueDeclarePassive(queue);
                return ch;
            } catch (IOException missing) { // the broker closed that channel (404)
                Channel fresh = connection.createChannel();
                fresh.queueDeclare(queue, true, false, false, null);
                return fresh;
            }
        }

        /** Stores the message as an event and acknowledges it once committed (the consumer's thread waits meanwhile). */
        private void take(Channel ch, Delivery m) throws IOException {
            long tag = m.getEnvelope().getDeliveryTag();
            if (m.getBody() != null && m.getBody().length > maxBody) { // parsed, a 16 MiB body of {}s would be 500 MiB
                rejected++;
                lastError = "a reply of " + m.getBody().length + " bytes was rejected: more than " + maxBody;
                lastErrorAt = System.currentTimeMillis();
                log.warn("amqp.reply_too_large service={} bytes={} max={}", service.name(), m.getBody().length, maxBody);
                ch.basicReject(tag, false);
                return;
            }
            Event event = event(service, m, System.currentTimeMillis());
            if (event == null) {
                rejected++;
                ch.basicReject(tag, false);
                return;
            }
            try {
                writer.storeDurably(List.of(event), () -> !closing && consuming);
            } catch (RuntimeException | InterruptedException e) {
                // unacknowledged: the broker gives it again once this channel closes
                lastError = "storing a reply failed: " + e.getMessage();
                lastErrorAt = System.currentTimeMillis();
                log.warn("amqp.reply_store_failed service={} error={}", service.name(), e.toString());
                // the broker gives the message again once the connection is gone; the next reconcile reconnects
                consuming = false;
                AmqpConnections.closeQuietly(connection);
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                return;
            }
            ch.basicAck(tag, false);
            consumed++;
        }

        synchronized void stop() {
            consuming = false;
            AmqpConnections.closeQuietly(connection);
            connection = null;
        }
    }

    /**
     * The event a reply message makes: its body as {@code data} (JSON, or {@code {"text": …}} for
     * other content), its AMQP properties under {@code amqp}. Null for an empty body.
     */
    static Event event(Service svc, Delivery m, long nowMs) {
        byte[] body = m.getBody();
        if (body == null || body.length == 0) return null;
        AMQP.BasicProperties p = m.getProperties();
        String text = new String(body, StandardCharsets.UTF_8);
        JsonNode data;
        try {
            data = Json.read(text);
        } catch (IllegalArgumentException notJson) {
            data = Json.object().put("text", text);
        }
        ObjectNode doc = Json.object();
        // the message's own id makes a redelivered message the same event (stored once)
        // without a message_id a redelivered message (a crash between commit and ack) is a second event
        doc.put("id", p.getMessageId() != null && !p.getMessageId().isBlank() ? "amqp-" + svc.name() + "-" + p.getMessageId()
                : Ids.newId("amqp"));
        doc.put("type", svc.amqp().replyEventType());
        doc.put("source", "amqp:" + svc.name());
        doc.put("time", Instant.ofEpochMilli(p.getTimestamp() != null ? p.getTimestamp().getTime() : nowMs).toString());
        doc.set("data", data);
        ObjectNode amqp = doc.putObject("amqp");
        amqp.put("queue", svc.amqp().replyQueue());
        amqp.put("exchange", m.getEnvelope().getExchange());
        amqp.put("routing_key", m.getEnvelope().getRoutingKey());
        putIfSet(amqp, "correlation_id", p.getCorrelationId());
        putIfSet(amqp, "message_id", p.getMessageId());
        putIfSet(amqp, "reply_to", p.getReplyTo());
        putIfSet(amqp, "app_id", p.getAppId());
        putIfSet(amqp, "content_type", p.getContentType());
        FieldErrors errors = new FieldErrors();
        Event e = EventParser.parse(doc, "", errors, null);
        if (e == null) {
            // an id too long for an event (a message_id of hundreds of characters): a fresh one
            doc.put("id", Ids.newId("amqp"));
            e = EventParser.parse(doc, "", new FieldErrors(), null);
        }
        return e;
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (value != null) o.put(field, value);
    }

    @Override
    public void close() {
        closing = true;
        if (supervisor != null) supervisor.close(); // before taking the lock: a turn under way needs it to end
        synchronized (this) {
            List<Consumer> all = new ArrayList<>(running.values());
            running.clear();
            all.forEach(Consumer::stop);
        }
    }
}
