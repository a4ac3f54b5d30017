package herald.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The local RabbitMQ (127.0.0.1:5672, guest/guest, started by scripts/test-setup.sh) as a test
 * sees it: exchanges and queues with names of their own (deleted on close), messages published
 * and read back, and the broker restarted for real ({@code rabbitmqctl stop_app}/{@code start_app}).
 */
public final class Rabbit implements AutoCloseable {
    public static final String URL = "amqp://127.0.0.1:5672/%2F";
    private Connection connection;
    private Channel channel;
    private final String prefix = "herald-test-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    public Rabbit() {
        ch();
    }

    /** The test's channel, opened again when a restart (or a failed command) closed it. */
    private synchronized Channel ch() {
        try {
            if (connection == null || !connection.isOpen()) connection = factory().newConnection("herald-test");
            if (channel == null || !channel.isOpen()) channel = connection.createChannel();
            return channel;
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("RabbitMQ on 127.0.0.1:5672 (scripts/test-setup.sh starts it): " + e, e);
        }
    }

    private static ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(5672);
        f.setUsername("guest");
        f.setPassword("guest");
        f.setAutomaticRecoveryEnabled(false);
        return f;
    }

    /** A name unique to this test run. */
    public String name(String what) {
        return prefix + what;
    }

    /** A durable topic exchange of that name. */
    public String exchange(String what) throws IOException {
        String name = name(what);
        ch().exchangeDeclare(name, "topic", true);
        exchanges.add(name);
        return name;
    }

    /** A durable queue of that name, bound to {@code exchange} with {@code bindingKey} (null: unbound). */
    public String queue(String what, String exchange, String bindingKey) throws IOException {
        String name = name(what);
        ch().queueDeclare(name, true, false, false, null);
        if (exchange != null) ch().queueBind(name, exchange, bindingKey);
        queues.add(name);
        return name;
    }

    /** Forgets a queue Herald declared, so close deletes it. */
    public void owns(String queue) {
        queues.add(queue);
    }

    public void bind(String queue, String exchange, String bindingKey) throws IOException {
        ch().queueBind(queue, exchange, bindingKey);
    }

    /** Every message now in {@code queue}, taken (acknowledged). */
    public List<GetResponse> drain(String queue) throws IOException {
        List<GetResponse> out = new ArrayList<>();
        Channel c = ch();
        for (GetResponse r; (r = c.basicGet(queue, true)) != null; ) out.add(r);
        return out;
    }

    /** Messages ready in {@code queue} (not those delivered and unacknowledged). */
    public long ready(String queue) throws IOException {
        return ch().queueDeclarePassive(queue).getMessageCount();
    }

    public void publish(String queue, AMQP.BasicProperties props, byte[] body) throws IOException {
        ch().basicPublish("", queue, props, body);
    }

    /** Stops the broker's application: every connection breaks, none is accepted; durable queues and persistent messages stay. */
    public static void stopBroker() {
        run("rabbitmqctl", "stop_app");
    }

    /** Starts the broker's application again and waits until it takes connections. */
    public static void startBroker() {
        run("rabbitmqctl", "start_app");
        run("rabbitmqctl", "await_startup");
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        // a fresh connection: the broker may have been restarted since this one was opened
        try (Connection c = factory().newConnection("herald-test-cleanup")) {
            Channel ch = c.createChannel();
            for (String q : queues) ch.queueDelete(q);
            for (String e : exchanges) ch.exchangeDelete(e);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
        try {
            connection.abort(1000);
        } catch (RuntimeException ignored) {
            // already broken by a restart
        }
    }
}
