package herald.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The reference of {@link EndToEndBenchmark}: an Apache Camel route in this JVM, the usual way to
 * build a webhook sender with Camel. Events are sent in memory to a SEDA queue; {@code
 * concurrentConsumers} threads take them, sign them (Standard Webhooks: {@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>})
 * and post them with camel-http (Apache HttpClient 5, a pool of as many connections as consumers,
 * its own automatic retries off). Failures are redelivered by Camel's dead-letter channel (5
 * redeliveries, exponential back-off from 1 s), then go to {@code seda:dead}. Nothing is durable.
 */
final class CamelRoute implements AutoCloseable {
    static final String EVENT_ID = "benchEventId";

    private final CamelContext camel;
    private final ProducerTemplate template;
    private final Endpoint events;
    private final LongAdder dead = new LongAdder();
    private volatile CountDownLatch finished = new CountDownLatch(0);
    final int consumers;

    CamelRoute(String sinkUrl, int consumers, String secret) throws Exception {
        this.consumers = consumers;
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(key, "HmacSHA256"));
                return m;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        camel = new DefaultCamelContext();
        camel.setStreamCaching(false); // bodies are byte arrays already
        HttpComponent http = camel.getComponent("http", HttpComponent.class);
        http.setAutomaticRetriesDisabled(true); // redelivery is the error handler's, as the issue asks
        http.setMaxTotalConnections(consumers);
        http.setConnectionsPerRoute(consumers);
        http.setCookieManagementDisabled(true);
        http.setContentCompressionDisabled(true);
        http.setRedirectHandlingDisabled(true);
        String from = "seda:events?size=20000&blockWhenFull=true&concurrentConsumers=" + consumers;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("seda:dead").maximumRedeliveries(5).redeliveryDelay(1000)
                        .useExponentialBackOff().backOffMultiplier(2));
                from(from).routeId("webhooks")
                        .process(e -> sign(e, macs.get()))
                        .to(sinkUrl + "?httpMethod=POST")
                        .process(e -> finished.countDown());
                from("seda:dead").routeId("dead").process(e -> {
                    dead.increment();
                    finished.countDown();
                });
            }
        });
        camel.start();
        events = camel.getEndpoint(from);
        template = camel.createProducerTemplate();
    }

    /** Standard Webhooks headers; the id comes from the event, so a redelivery keeps it. */
    private static void sign(Exchange e, Mac mac) {
        Message m = e.getMessage();
        String id = "msg_" + m.getHeader(EVENT_ID, String.class);
        m.removeHeader(EVENT_ID);
        byte[] body = m.getBody(byte[].class);
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
        String sig = Base64.getEncoder().encodeToString(mac.doFinal(body));
        m.setHeader("webhook-id", id);
        m.setHeader("webhook-timestamp", ts);
        m.setHeader("webhook-signature", "v1," + sig);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    /**
     * Sends the events ({@code ids[i]}, {@code bodies[i]}) into the queue from {@code senders}
     * threads and waits until each was posted to the sink or dead-lettered. Returns the seconds from
     * the first send to the last outcome.
     */
    double run(List<String> ids, List<byte[]> bodies, int senders, Duration atMost) throws Exception {
        CountDownLatch done = new CountDownLatch(bodies.size());
        finished = done;
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                sent.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < bodies.size(); ) {
                        template.sendBodyAndHeader(events, bodies.get(i), EVENT_ID, ids.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) f.get();
        } finally {
            pool.shutdown();
        }
        if (!done.await(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Camel did not finish in " + atMost + ": " + done.getCount() + " left");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    long deadLettered() {
        return dead.sum();
    }

    @Override
    public void close() throws Exception {
        template.close();
        camel.close();
    }
}
