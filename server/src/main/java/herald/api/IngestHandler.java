package herald.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.api.Auth;
import herald.api.Requests;
import herald.api.Responses;
import herald.api.Traffic;
import herald.event.Event;
import herald.ingest.EventWriter;
import herald.json.Json;
import herald.json.TreeBudget;
import herald.problem.Problem;
import herald.usecase.IngestUseCases;
import java.nio.ByteBuffer;
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
 * ({@link Auth#authenticate}, {@link Auth#authorize}), body reading ({@link Requests}) and problem bodies ({@link Responses})
 * are the functions Javalin's handlers use.
 */
final class IngestHandler extends Handler.Wrapper {
    public static final String METHOD = "POST";
    public static final String PATH = "/api/v1/events";
    /** An acknowledgement waits at most this long for its commit; then 503, and the client retries. */
    private static final long COMMIT_TIMEOUT_S = 60;
    private static final java.util.function.Predicate<java.util.concurrent.TimeoutException> IGNORE_IDLE = timeout -> false;

    private final Traffic traffic;
    private final TreeBudget trees;
    private final Auth auth;
    private final IngestUseCases ingest;
    private final long maxBody;

    IngestHandler(Traffic traffic, Auth auth, IngestUseCases ingest, long maxBody, TreeBudget trees) {
        this.trees = trees;
        this.traffic = traffic;
        this.auth = auth;
        this.ingest = ingest;
        this.maxBody = maxBody;
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
        /** The events' trees are held until their commit is answered. */
        private final TreeBudget.Charge charge = trees.charge();

        Exchange(Request request, Response response, Callback callback, String path) {
            this.request = request;
            this.response = response;
            this.path = path;
            long start = traffic.begin();
            // Counted and timed until the answer is written, so that a graceful stop waits for it.
            // Counting does not block, so Jetty may complete this as it would the request's own callback.
            this.counted = Callback.from(callback.getInvocationType(), () -> {
                charge.close();
                traffic.end(METHOD, PATH, response.getStatus(), start);
                callback.succeeded();
            }, failure -> {
                charge.close();
                traffic.end(METHOD, PATH, response.getStatus(), start);
                callback.failed(failure);
            });
        }

        void start() {
            try {
                auth.authorize(auth.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION)), Permission.INGEST,
                        METHOD, path);
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
                List<Event> events = ingest.parse(Requests.parseJson(body.bytes(), charge));
                // Jetty would fail a request idle for its connector's idle timeout (30 s) while it
                // waits here; the commit's own timeout decides instead, as it did in the servlet.
                request.addIdleTimeoutListener(IGNORE_IDLE);
                ingest.store(events).orTimeout(COMMIT_TIMEOUT_S, TimeUnit.SECONDS)
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
                fail(IngestUseCases.unavailable(
                        failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure));
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
                write(response, 202, "application/json", Map.of(), Json.MAPPER.writeValueAsBytes(o), counted);
            } catch (JsonProcessingException | RuntimeException e) {
                fail(e);
            }
        }

        private void fail(Throwable e) {
            problem(response, Responses.problemFor(e, path), path, counted);
        }
    }

    private static void problem(Response response, Problem e, String path, Callback callback) {
        write(response, Responses.status(e.kind()), Responses.PROBLEM_JSON, Responses.headers(e), Responses.problemBody(e, path),
                callback);
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
