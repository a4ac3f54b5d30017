package herald.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import herald.app.Herald;
import herald.config.HeraldConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * AMQP delivery throughput: Herald (in-process, SQLite) delivering events it already holds to an
 * {@code amqp} service — one persistent, mandatory, confirmed message per delivery into a durable
 * queue on the local RabbitMQ — against the reference measured in the same run: a bare
 * {@code amqp-client} loop publishing the same bodies the same way (persistent, mandatory, one
 * confirm awaited per message) from as many threads as Herald's dispatcher sends at once. Events
 * are stored with deliveries switched off, then deliveries are switched on and timed until the last
 * one is confirmed, so the figure is the delivery engine's, not ingest's.
 *
 * <p>Options: {@code --events N} (default 20000), {@code --warmup N} (default 5000),
 * {@code --concurrency N} (Herald's dispatcher concurrency and the reference's threads, default 64).
 */
public final class AmqpBenchmark {
    private static final String KEY = "bench-amqp-admin-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private AmqpBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = 20_000, warmup = 5_000, concurrency = 64;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: AmqpBenchmark [--events N] [--warmup N] [--concurrency N]");
                    System.exit(2);
                }
            }
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setAutomaticRecoveryEnabled(false);
        String queue = "herald-bench-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = f.newConnection("herald-bench")) {
            Channel ch = admin.createChannel();
            ch.queueDeclare(queue, true, false, false, null);
            try {
                byte[] body = sampleBody();
                reference(f, queue, body, warmup, concurrency); // warm-up
                ch.queuePurge(queue);
                double ref = reference(f, queue, body, events, concurrency);
                ch.queuePurge(queue);
                double her = herald(queue, events, warmup, concurrency, ch);
                System.out.printf(Locale.ROOT, "bare amqp-client loop (%d threads, confirm per message): %.0f messages/s%n", concurrency, ref);
                System.out.printf(Locale.ROOT, "Herald amqp service (SQLite, concurrency %d):            %.0f deliveries/s%n", concurrency, her);
                System.out.printf(Locale.ROOT, "RESULT amqp delivery: %.0f/s vs reference %.0f/s = %.2fx%n", her, ref, her / ref);
            } finally {
                ch.queueDelete(queue);
            }
        }
    }

    /** A Moodle event's JSON as Herald's moodle format renders it: about the size Herald publishes. */
    private static byte[] sampleBody() {
        return ("{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"component\":\"core\",\"action\":\"viewed\",\"target\":\"course\","
                + "\"objecttable\":null,\"objectid\":null,\"crud\":\"r\",\"edulevel\":2,\"contextid\":2,\"contextlevel\":50,"
                + "\"contextinstanceid\":\"1\",\"userid\":\"2\",\"courseid\":\"1\",\"relateduserid\":null,\"anonymous\":0,\"other\":null,"
                + "\"timecreated\":1512961456,\"host\":\"lms.example\",\"token\":\"\",\"extra\":\"\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes {@code n} messages from {@code threads} channels, each awaiting its confirm; messages per second. */
    private static double reference(ConnectionFactory f, String queue, byte[] body, int n, int threads) throws Exception {
        AtomicInteger left = new AtomicInteger(n);
        try (Connection c = f.newConnection("herald-bench-reference"); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Channel> channels = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Channel ch = c.createChannel();
                ch.confirmSelect();
                channels.add(ch);
            }
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (Channel ch : channels) {
                done.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        var props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
                                .messageId(UUID.randomUUID().toString()).build();
                        ch.basicPublish("", queue, true, props, body);
                        if (!ch.waitForConfirms(10_000)) throw new IllegalStateException("nack");
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) d.get();
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double herald(String queue, int events, int warmup, int concurrency, Channel ch) throws Exception {
        Path dir = Files.createTempDirectory("herald-bench-amqp");
        Map<String, String> env = new HashMap<>();
        env.put("HERALD_HTTP_PORT", "0");
        env.put("HERALD_DATA_DIR", dir.toString());
        env.put("HERALD_ADMIN_KEY", KEY);
        env.put("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");
        env.put("HERALD_DISPATCHER_CONCURRENCY", Integer.toString(concurrency));
        env.put("HERALD_ADMIN_USER", "bench");
        env.put("HERALD_ADMIN_PASSWORD", "bench-password-123");
        try (Herald herald = Herald.start(HeraldConfig.fromMap(env))) {
            String base = "http://127.0.0.1:" + herald.port();
            String svc = "{\"name\":\"bus\",\"type\":\"amqp\",\"url\":\"amqp://127.0.0.1:5672/%2F\",\"exchange\":\"\",\"routing_key\":\"" + queue
                    + "\",\"signing\":{\"enabled\":true}}";
            String svcId = id(send(base, "POST", "/api/v1/services", svc, 201));
            send(base, "POST", "/api/v1/subscriptions", "{\"service_id\":\"" + svcId + "\",\"events\":[\"*\"],\"format\":\"moodle\"}", 201);
            round(base, queue, ch, "w", warmup);
            ch.queuePurge(queue);
            return round(base, queue, ch, "m", events);
        }
    }

    /** Stores {@code n} events with deliveries off, then times their delivery until the queue holds them all. */
    private static double round(String base, String queue, Channel ch, String prefix, int n) throws Exception {
        send(base, "PUT", "/api/v1/settings", "{\"deliveries_enabled\":false}", 200);
        for (int sent = 0; sent < n; sent += 500) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = sent; i < Math.min(n, sent + 500); i++) {
                if (i > sent) batch.append(',');
                batch.append("{\"id\":\"").append(prefix).append(i).append("\",\"eventname\":\"\\\\core\\\\event\\\\course_viewed\","
                        + "\"component\":\"core\",\"action\":\"viewed\",\"target\":\"course\",\"crud\":\"r\",\"edulevel\":2,\"contextid\":2,"
                        + "\"contextlevel\":50,\"contextinstanceid\":1,\"userid\":2,\"courseid\":1,\"timecreated\":1512961456}");
            }
            send(base, "POST", "/api/v1/events", batch.append(']').toString(), 202);
        }
        long start = System.nanoTime();
        send(base, "PUT", "/api/v1/settings", "{\"deliveries_enabled\":true}", 200);
        long deadline = System.currentTimeMillis() + 600_000;
        while (ch.queueDeclarePassive(queue).getMessageCount() < n) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("not all delivered within 10 minutes");
            Thread.sleep(5);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static String send(String base, String method, String path, String body, int expect) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != expect) throw new IllegalStateException(method + " " + path + " -> " + res.statusCode() + " " + res.body());
        return res.body();
    }

    private static String id(String json) {
        int i = json.indexOf("\"id\":\"") + 6;
        return json.substring(i, json.indexOf('"', i));
    }
}
