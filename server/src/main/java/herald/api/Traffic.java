package herald.api;

import herald.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests being served: refusing new ones while Herald drains, counting those in flight (a
 * graceful stop waits for them) and timing each as {@code herald_http_requests}. Javalin's
 * before/after handlers and the ingest fast path both go through here.
 */
public final class Traffic {
    private final MeterRegistry metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final java.util.function.BooleanSupplier databaseAnswers;
    private final java.util.function.BooleanSupplier dispatcherRuns;

    /**
     * {@code databaseAnswers}: whether the database answers now; {@code dispatcherRuns}: whether the
     * delivery loop still runs (both for {@code /health}).
     */
    public Traffic(MeterRegistry metrics, java.util.function.BooleanSupplier databaseAnswers,
                   java.util.function.BooleanSupplier dispatcherRuns) {
        this.metrics = metrics;
        this.databaseAnswers = databaseAnswers;
        this.dispatcherRuns = dispatcherRuns;
    }

    /**
     * What {@code /health} says: {@code up}, {@code draining} (shutting down), {@code
     * database_unreachable}, or {@code dispatcher_stopped} (the delivery loop ended, by an error it
     * could not go on from: the node takes events but sends none until it is restarted).
     */
    public String health() {
        if (draining) return "draining";
        if (!dispatcherRuns.getAsBoolean()) return "dispatcher_stopped";
        return databaseAnswers.getAsBoolean() ? "up" : "database_unreachable";
    }

    /** From now on new requests are refused with {@link #drainingProblem()}. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    public Problem drainingProblem() {
        return Problem.unavailable("Herald is shutting down").retryAfter(5);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** A request was admitted; returns its start time for {@link #end}. */
    public long begin() {
        inFlight.incrementAndGet();
        return System.nanoTime();
    }

    /** The request admitted at {@code start} was answered with {@code status}. */
    public void end(String method, String route, int status, long start) {
        inFlight.decrementAndGet();
        // Built once per (method, route, status): building a meter per request costs more than the request.
        timers.computeIfAbsent(method + " " + route + " " + status, k -> Timer.builder("herald_http_requests")
                        .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                        .register(metrics))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
}
