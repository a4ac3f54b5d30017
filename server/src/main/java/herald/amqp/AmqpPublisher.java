package herald.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import herald.outbound.OutboundCall;
import herald.outbound.OutboundHeaders;
import herald.subscription.Service;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes deliveries to {@code amqp} services: one persistent message each, mandatory (a message
 * no queue takes comes back, and is a failure), confirmed by the broker before it counts as
 * delivered. Each service has one connection, opened on first use and opened again on the next
 * publish after the broker went away (so a broker restart costs the deliveries in flight a retry,
 * never a message), and a pool of confirm-mode channels, one per concurrent publish.
 *
 * <p>The answer speaks HTTP's terms with AMQP's reply codes: 200 confirmed, 312 no route, 404 no
 * such exchange, 403 refused; no status when no answer came (connection, nack, timeout).
 */
public final class AmqpPublisher implements OutboundCall.Transport, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AmqpPublisher.class);
    /** Channels kept open per service beyond those in use. */
    private static final int IDLE_CHANNELS = 256;
    static final int PERSISTENT = 2;

    private final AmqpConnections connections;
    private final OutboundHeaders headers;
    private final Map<String, Broker> brokers = new ConcurrentHashMap<>();

    public AmqpPublisher(AmqpConnections connections, OutboundHeaders headers) {
        this.connections = connections;
        this.headers = headers;
    }

    /** A service's connection and idle channels, for one version of its settings. */
    private static final class Broker {
        final long version;
        final BlockingQueue<Publishing> idle = new ArrayBlockingQueue<>(IDLE_CHANNELS);
        Connection connection;

        Broker(long version) {
            this.version = version;
        }
    }

    /** A channel in confirm mode and the return (if any) of the message last published on it. */
    private static final class Publishing {
        final Channel channel;
        volatile Return returned; // set by the broker's thread before the confirm arrives

        Publishing(Channel channel) {
            this.channel = channel;
            channel.addReturnListener(r -> returned = r);
        }
    }

    @Override
    public OutboundCall.Response send(Service svc, OutboundCall.Request req, long timeoutMs) {
        long start = System.currentTimeMillis();
        Map<String, String> sent = headers.build(svc, req.messageId(), start, req.contentType(), req.body());
        Map<String, String> recorded = new LinkedHashMap<>();
        recorded.put("exchange", svc.amqp().exchange());
        recorded.put("routing_key", req.routingKey());
        recorded.put("message_id", req.messageId());
        recorded.put("delivery_mode", Integer.toString(PERSISTENT));
        recorded.putAll(OutboundHeaders.redact(sent, svc));
        Publishing p = null;
        Broker b = broker(svc);
        try {
            p = channel(b, svc);
            p.returned = null;
            p.channel.basicPublish(svc.amqp().exchange(), req.routingKey(), true, properties(req, sent), req.body());
            boolean acked = p.channel.waitForConfirms(Math.max(1, timeoutMs - (System.currentTimeMillis() - start)));
            Return returned = p.returned;
            release(svc, b, p);
            p = null;
            if (returned != null) {
                return answer(returned.getReplyCode(), null, returned.getReplyText() + ": exchange '" + svc.amqp().exchange()
                        + "' routed the message to no queue (routing key '" + req.routingKey() + "')", recorded, start);
            }
            if (!acked) return answer(null, "nack", "the broker did not take the message (nack)", recorded, start);
            return answer(200, null, null, recorded, start);
        } catch (ShutdownSignalException e) {
            return closed(e, recorded, start);
        } catch (TimeoutException e) {
            return answer(null, "timeout", "no confirm from the broker within " + timeoutMs + " ms", recorded, start);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s) return closed(s, recorded, start);
            return answer(null, AmqpConnections.kind(e), AmqpConnections.describe(e), recorded, start);
        } catch (AmqpConnections.Refused e) {
            return answer(null, "refused_address", e.getMessage(), recorded, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return answer(null, "network", "interrupted", recorded, start);
        } finally {
            if (p != null) AmqpConnections.closeQuietly(p.channel); // its confirm state is unknown: not reused
        }
    }

    /** A channel closed by the broker names why (404 no exchange, 403 access refused); a closed connection is reopened next time. */
    private static OutboundCall.Response closed(ShutdownSignalException e, Map<String, String> recorded, long start) {
        if (e.getReason() instanceof AMQP.Channel.Close close) {
            return answer(close.getReplyCode(), null, close.getReplyText(), recorded, start);
        }
        // the connection is closed: the next send finds it so and opens another
        String why = e.getReason() instanceof AMQP.Connection.Close close ? close.getReplyText() : "the connection to the broker closed";
        return answer(null, "connect", why, recorded, start);
    }

    private static AMQP.BasicProperties properties(OutboundCall.Request req, Map<String, String> sent) {
        Map<String, Object> messageHeaders = new LinkedHashMap<>();
        String appId = null;
        for (var h : sent.entrySet()) {
            if (h.getKey().equalsIgnoreCase("Content-Type")) continue; // a property of its own
            if (h.getKey().equalsIgnoreCase("User-Agent")) appId = h.getValue();
            else messageHeaders.put(h.getKey(), h.getValue());
        }
        return new AMQP.BasicProperties.Builder()
                .contentType(req.contentType())
                .deliveryMode(PERSISTENT)
                .messageId(req.messageId())
                .timestamp(new java.util.Date())
                .appId(appId)
                .headers(messageHeaders)
                .build();
    }

    private Publishing channel(Broker b, Service svc) throws IOException, TimeoutException, AmqpConnections.Refused {
        Publishing idle = b.idle.poll();
        while (idle != null && !idle.channel.isOpen()) idle = b.idle.poll();
        if (idle != null) return idle;
        Connection c;
        synchronized (b) {
            if (b.connection == null || !b.connection.isOpen()) {
                AmqpConnections.closeQuietly(b.connection);
                b.connection = connections.open(svc, "herald-publish-" + svc.name());
            }
            c = b.connection;
        }
        Channel ch = c.createChannel();
        ch.confirmSelect();
        return new Publishing(ch);
    }

    private Broker broker(Service svc) {
        return brokers.compute(svc.id(), (id, old) -> {
            // a send still holding older settings uses the current broker rather than bring the old one back
            if (old != null && old.version >= svc.updatedAt()) return old;
            if (old != null) retire(old); // the service's settings changed: a new connection for them
            return new Broker(svc.updatedAt());
        });
    }

    /** A channel goes back to the pool of the broker it came from, while that broker is still the service's. */
    private void release(Service svc, Broker b, Publishing p) {
        if (brokers.get(svc.id()) != b || !b.idle.offer(p)) AmqpConnections.closeQuietly(p.channel);
    }


    private static void retire(Broker b) {
        Connection c;
        synchronized (b) {
            c = b.connection;
            b.connection = null;
        }
        b.idle.clear();
        AmqpConnections.closeQuietly(c);
    }

    private static OutboundCall.Response answer(Integer status, String kind, String error, Map<String, String> sent, long start) {
        return new OutboundCall.Response(status, kind, error, null, "", null, sent, start, System.currentTimeMillis() - start);
    }

    @Override
    public void close() {
        for (Broker b : brokers.values()) retire(b);
        brokers.clear();
        log.debug("amqp.publisher_closed");
    }
}
