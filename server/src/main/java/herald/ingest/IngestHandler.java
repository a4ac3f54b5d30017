package herald.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Event;
import herald.event.EventParser;
import herald.event.Json;
import herald.store.StoreException;
import herald.web.ApiException;
import herald.web.Auth;
import herald.web.FieldError;
import herald.web.FieldErrors;
import herald.web.Requests;
import herald.web.Responses;
import herald.web.Traffic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /api/v1/events} (one event or a batch) served by a plain Jetty handler in front of
 * Javalin's servlet context; every other request goes on to Javalin unchanged.
 *
 * <p>Why: ingest is the hot path, and profiles showed most of its CPU in Jetty's servlet layers and
 * Javalin's per-request pipeline (sessions, cookies, attributes, before/after handlers), not in JSON
 * or the database. This handler does only what the route needs, and answers when the
 * {@link EventWriter} commits instead of holding a thread while it waits. It answers exactly as the
 * Javalin route did: the draining gate, request counting and timing ({@link Traffic}), the key check
 * ({@link Auth#authorize}), body reading ({@link Requests}) and problem bodies ({@link Responses})
 * are the functions Javalin's handlers use.
 */
public final class IngestHandler extends Handler.Wrapper {
    public static final String METHOD = "POST";
    public static final String PATH = "/api/v1/events";
    /** An acknowledgement waits at most this long for its commit; then 503, and the client retries. */
    private static final long COMMIT_TIMEOUT_S = 60;
    private static final java.util.function.Predicate<java.util.concurrent.TimeoutException> IGNORE_IDLE = timeout -> false;

    private final Traffic traffic;
    private final Auth auth;
    private final EventWriter writer;
    private final long maxBody;
    private final int maxBatch;
    private final Counter ingested;
    private final Counter duplicates;

    public IngestHandler(Traffic traffic, Auth auth, EventWriter writer, long maxBody, int maxBatch, MeterRegistry metrics) {
        this.traffic = traffic;
        this.auth = auth;
        this.writer = writer;
        this.maxBody = maxBody;
        this.maxBatch = maxBatch;
        this.ingested = metrics.counter("herald_events_ingested_total");
        this.duplicates = metrics.counter("herald_events_duplicate_total");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // The raw path, as Javalin matches it: with or without one trailing slash, never decoded.
        String path = request.getHttpURI().getPath();
        if (!METHOD.equals(request.getMethod()) || !(PATH.equals(path) || (PATH + "/").equals(path))) {
            return super.handle(request, response, callback);
        }
        if (traffic.draining()) { // refused before it counts, as Javalin's before-handler does
            problem(response, traffic.drainingProblem(), path, callback);
            return true;
        }
        new Exchange(request, response, callback, path).start();
        return true;
    }

    /** One ingest request, from its admission to its answer. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final String path;
        private final Callback counted;
        private final Requests.BoundedBody body = new Requests.BoundedBody(maxBody);

        Exchange(Request request, Response response, Callback callback, String path) {
            this.request = request;
            this.response = response;
            this.path = path;
            long start = traffic.begin();
            // Counted and timed until the answer is written, so that a graceful stop waits for it.
            // Counting does not block, so Jetty may complete this as it would the request's own callback.
            this.counted = Callback.from(callback.getInvocationType(), () -> {
                traffic.end(METHOD, PATH, response.getStatus(), start);
                callback.succeeded();
            }, failure -> {
                traffic.end(METHOD, PATH, response.getStatus(), start);
                callback.failed(failure);
            });
        }

        void start() {
            try {
                auth.authorize(request.getHeaders().get(HttpHeader.AUTHORIZATION), METHOD, path);
                Requests.checkDeclaredLength(request.getHeaders().get(HttpHeader.CONTENT_LENGTH), maxBody);
            } catch (Throwable e) {
                fail(e);
                return;
            }
            read();
        }

        /** Takes the body as it arrives; when none is there yet, Jetty calls back once there is. */
        private void read() {
            try {
                while (true) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this::read);
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) throw Requests.unreadable(chunk.getFailure());
                    try {
                        body.append(chunk.getByteBuffer());
                    } finally {
                        chunk.release();
                    }
                    if (chunk.isLast()) break;
                }
                List<Event> events = parse(Requests.parseJson(body.bytes()));
                // Jetty would fail a request idle for its connector's idle timeout (30 s) while it
                // waits here; the commit's own timeout decides instead, as it did in the servlet.
                request.addIdleTimeoutListener(IGNORE_IDLE);
                writer.submit(events).orTimeout(COMMIT_TIMEOUT_S, TimeUnit.SECONDS)
                        .whenCompleteAsync(this::committed, request.getComponents().getExecutor());
            } catch (Throwable e) {
                fail(e);
            }
        }

        /**
         * Runs on one of the server's threads, not the writer's: writing a group's answers on the
         * writer held up its next commit (half of the writer's CPU in a profile).
         */
        private void committed(List<EventWriter.Outcome> outcomes, Throwable failure) {
            if (failure != null) {
                fail(unavailable(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure));
                return;
            }
            try {
                ObjectNode o = Json.object();
                var ids = o.putArray("ids");
                var dups = o.putArray("duplicates");
                for (EventWriter.Outcome out : outcomes) {
                    ids.add(out.id());
                    if (out.duplicate()) dups.add(out.id());
                }
                ingested.increment(outcomes.size() - dups.size());
                duplicates.increment(dups.size());
                write(response, 202, "application/json", Map.of(), Json.MAPPER.writeValueAsBytes(o), counted);
            } catch (JsonProcessingException | RuntimeException e) {
                fail(e);
            }
        }

        private void fail(Throwable e) {
            problem(response, Responses.problemFor(e, path), path, counted);
        }
    }

    private List<Event> parse(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        List<Event> events = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) throw ApiException.invalid("body", "the batch is empty");
            if (body.size() > maxBatch) {
                throw new ApiException(413, "Content Too Large", "a batch may hold at most " + maxBatch + " events, this one has "
                        + body.size(), List.of(new FieldError("body", "must hold at most " + maxBatch + " events")));
            }
            for (int i = 0; i < body.size(); i++) events.add(EventParser.parse(body.get(i), "[" + i + "]", errors, null));
        } else {
            events.add(EventParser.parse(body, "", errors, null));
        }
        errors.throwIfAny(); // all or nothing: one bad event in a batch stores none
        return events;
    }

    /** A storage failure, overload or timeout: nothing was acknowledged, so the client must retry. */
    private static ApiException unavailable(Throwable cause) {
        String detail = cause instanceof EventWriter.OverloadedException
                ? "Herald is busy; retry shortly" : cause instanceof StoreException
                ? "the event store is unavailable; nothing was stored, retry shortly" : "the event could not be stored; retry";
        return new ApiException(503, "Service Unavailable", detail).withHeader("Retry-After", "5");
    }

    private static void problem(Response response, ApiException e, String path, Callback callback) {
        write(response, e.status(), Responses.PROBLEM_JSON, e.headers(), Responses.problemBody(e, path), callback);
    }

    private static void write(Response response, int status, String contentType, Map<String, String> headers,
                              byte[] bytes, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        headers.forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
