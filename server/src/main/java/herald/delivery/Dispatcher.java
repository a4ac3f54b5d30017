package herald.delivery;

import herald.event.Ids;
import herald.event.Json;
import herald.rendering.RenderException;
import herald.rendering.Rendered;
import herald.rendering.Renderer;
import herald.routing.Router;
import herald.store.Database;
import herald.subscription.RetryPolicy;
import herald.subscription.Service;
import herald.subscription.Subscription;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due deliveries and sends them. A commit of new events wakes it at once; otherwise it
 * polls. While the global switch is off nothing is claimed, so deliveries wait.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int EXCERPT_BYTES = 16 * 1024;
    private static final long LEASE_MS = 5 * 60_000;

    private final Database db;
    private final DeliveryStore store;
    private final Router router;
    private final Renderer renderer;
    private final Settings settings;
    private final OutboundClients clients;
    private final OutboundHeaders outboundHeaders;
    private final Semaphore permits;
    private final int concurrency;
    private final MeterRegistry metrics;
    private final Object signal = new Object();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong polls = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean woken;
    private volatile boolean running = true;
    private final Thread loop;

    public Dispatcher(Database db, Router router, Settings settings, OutboundGuard guard, int concurrency,
                      String version, MeterRegistry metrics, Renderer renderer) {
        this.renderer = renderer;
        this.db = db;
        this.store = new DeliveryStore(db);
        this.router = router;
        this.settings = settings;
        this.concurrency = concurrency;
        this.permits = new Semaphore(concurrency);
        this.outboundHeaders = new OutboundHeaders("Herald/" + version);
        this.metrics = metrics;
        this.clients = new OutboundClients(guard, concurrency);
        loop = Thread.ofPlatform().name("dispatcher").start(this::run);
    }

    /** Wakes the dispatcher: new deliveries were committed. */
    public void wake() {
        woken = true;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** How many times the loop has looked for due work; tests await it instead of sleeping. */
    public long polls() {
        return polls.get();
    }

    private void run() {
        while (running) {
            try {
                int claimed = 0;
                if (settings.deliveriesEnabled()) claimed = claimAndSend();
                polls.incrementAndGet();
                if (claimed == 0) {
                    synchronized (signal) {
                        if (!woken && running) signal.wait(1000);
                    }
                }
                woken = false;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("dispatcher.poll_failed error={}", e.toString());
                sleepQuietly();
            }
        }
    }

    private int claimAndSend() throws InterruptedException {
        int free = permits.availablePermits();
        if (free == 0) {
            permits.acquire(); // wait for a slot, then give it back for the claim below
            permits.release();
            free = permits.availablePermits();
        }
        List<Delivery> due = store.claim(System.currentTimeMillis(), Math.min(free, 500), LEASE_MS);
        if (due.isEmpty()) return 0;
        Map<String, String> bodies = store.eventBodies(due.stream().map(Delivery::eventId).distinct().toList());
        Router.Table table = db.read(router::table);
        for (Delivery d : due) {
            permits.acquire();
            inFlight.incrementAndGet();
            Thread.ofVirtual().name("deliver-" + d.id()).start(() -> {
                try {
                    send(d, bodies.get(d.eventId()), table);
                } catch (RuntimeException e) {
                    log.error("delivery.crashed id={} error={}", d.id(), e.toString());
                } finally {
                    inFlight.decrementAndGet();
                    permits.release();
                }
            });
        }
        return due.size();
    }

    private void send(Delivery d, String eventBody, Router.Table table) {
        Service svc = table.services().get(d.serviceId());
        Subscription sub = table.subscriptions().get(d.subscriptionId());
        long start = System.currentTimeMillis();
        if (svc == null || sub == null || eventBody == null) {
            store.finish(d, "dead", start, svc == null ? "service deleted" : sub == null ? "subscription deleted"
                    : "event missing", null);
            return;
        }
        Rendered rendered;
        try {
            rendered = renderer.render(eventBody, svc, sub);
        } catch (RenderException e) {
            store.finish(d, "dead", start, "render: " + e.getMessage(), null);
            metrics.counter("herald_delivery_outcomes_total", "outcome", "dead").increment();
            return;
        }
        byte[] body = rendered.body();
        String method = rendered.method();
        Request req = clients.client(svc).newRequest(rendered.url()).method(method).timeout(svc.timeoutMs(), TimeUnit.MILLISECONDS);
        Map<String, String> headers = outboundHeaders.build(svc, d.id(), start, rendered.contentType(), body);
        req.headers(h -> headers.forEach(h::put));
        if (body.length > 0 || !method.equals("GET")) req.body(new BytesRequestContent(rendered.contentType(), body));

        Outcome outcome = exchange(req);
        long duration = System.currentTimeMillis() - start;
        Attempt attempt = new Attempt(Ids.newId("att"), d.id(), start, duration, outcome.status, outcome.errorKind,
                outcome.error, Json.write(OutboundHeaders.redact(headers, svc)), outcome.responseHeaders, outcome.excerpt);
        int attemptsMade = d.attempts() + 1;
        if (outcome.status != null && outcome.status >= 200 && outcome.status < 300) {
            store.finish(d, "delivered", start, null, attempt);
            metrics.counter("herald_delivery_outcomes_total", "outcome", "delivered").increment();
        } else {
            String error = outcome.error != null ? outcome.error : "HTTP " + outcome.status;
            RetryPolicy policy = sub.retry() != null ? sub.retry() : svc.retry();
            long delayS = policy.delayBeforeRetry(attemptsMade);
            if (delayS < 0) {
                store.finish(d, "dead", start, error, attempt);
                metrics.counter("herald_delivery_outcomes_total", "outcome", "dead").increment();
            } else {
                long jittered = (long) (delayS * 1000 * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
                store.finish(d, "retrying", System.currentTimeMillis() + jittered, error, attempt);
                metrics.counter("herald_delivery_outcomes_total", "outcome", "retrying").increment();
            }
        }
        log.info("delivery.attempted id={} event={} service={} status={} duration_ms={} error={} detail={}", d.id(), d.eventId(),
                svc.name(), outcome.status, duration, outcome.errorKind, outcome.error);
    }

    private record Outcome(Integer status, String errorKind, String error, String responseHeaders, String excerpt) {}

    private static Outcome exchange(Request req) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        ByteBuffer excerpt = ByteBuffer.allocate(EXCERPT_BYTES);
        req.send(new Response.Listener() {
            @Override
            public void onContent(Response response, ByteBuffer content) {
                int n = Math.min(content.remaining(), excerpt.remaining());
                if (n > 0) excerpt.put(content.slice().limit(n)); // keep the start, drop the rest
            }

            @Override
            public void onComplete(Result result) {
                Response r = result.getResponse();
                Integer status = r != null && r.getStatus() > 0 ? r.getStatus() : null;
                String headers = null;
                if (r != null && r.getHeaders() != null) {
                    var h = Json.object();
                    for (HttpField f : r.getHeaders()) h.put(f.getName(), f.getValue());
                    headers = Json.write(h);
                }
                String text = new String(excerpt.array(), 0, excerpt.position(), StandardCharsets.UTF_8);
                if (result.isFailed() && (status == null || result.getResponseFailure() != null)) {
                    Throwable t = result.getFailure();
                    done.complete(new Outcome(status, kind(t), describe(t), headers, text));
                } else {
                    done.complete(new Outcome(status, null, null, headers, text));
                }
            }
        });
        return done.join();
    }

    private static String kind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutboundRefusedException) return "refused_address";
            if (c instanceof java.util.concurrent.TimeoutException) return "timeout";
            if (c instanceof java.net.UnknownHostException) return "dns";
            if (c instanceof java.net.ConnectException) return "connect";
            if (c instanceof javax.net.ssl.SSLException) return "tls";
        }
        return "network";
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.length() > 1000 ? msg.substring(0, 1000) : msg;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops claiming and waits for in-flight sends to finish (up to {@code waitMs}). */
    @Override
    public void close() {
        running = false;
        wake();
        try {
            loop.join(5_000);
            permits.tryAcquire(concurrency, 30, TimeUnit.SECONDS);
            clients.close();
        } catch (Exception e) {
            log.warn("dispatcher.stop error={}", e.toString());
        }
    }
}
