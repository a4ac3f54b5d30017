package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the ingest fast path (a Jetty handler in front of Javalin) could get wrong that the route
 * tests do not show: which requests it takes and which go on to Javalin, bodies without a length,
 * 100-continue, the metrics, and draining. Raw HTTP on a socket, so that nothing is hidden by a client.
 */
class IngestHandlerTest {
    static final int MAX_BODY = 2000;
    static TestHerald herald;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE, Map.of("HERALD_MAX_BODY_BYTES", Integer.toString(MAX_BODY)));
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            return Json.read(body);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One request on its own connection; {@code body} null sends none, {@code chunked} sends it without a length. */
    static Answer send(String method, String path, String key, String body, boolean chunked) {
        try (Socket s = new Socket("127.0.0.1", herald.herald().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            if (key != null) head.append("Authorization: Bearer ").append(key).append("\r\n");
            byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            if (bytes != null && chunked) head.append("Transfer-Encoding: chunked\r\n");
            else if (bytes != null) head.append("Content-Length: ").append(bytes.length).append("\r\n");
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (bytes != null && chunked) {
                for (int i = 0; i < bytes.length; i += 500) writeChunk(out, bytes, i, Math.min(500, bytes.length - i));
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else if (bytes != null) {
                out.write(bytes);
            }
            out.flush();
            return read(s.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Answer send(String method, String path, String body) {
        return send(method, path, TestHerald.ADMIN_KEY, body, false);
    }

    static void writeChunk(OutputStream out, byte[] bytes, int from, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, from, length);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A whole answer up to the connection's close (requests say {@code Connection: close}). */
    static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, split).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(split + 4));
    }

    static String event(String id) {
        return Json.write(Events.courseViewed(id));
    }

    static void assertProblem(Answer a, int status, String instance) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(a.header("Content-Length")).isEqualTo(Integer.toString(a.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(a.json().get("status").asInt()).isEqualTo(status);
        assertThat(a.json().get("instance").asText()).isEqualTo(instance);
    }

    @Test
    void theRouteIsServedWithOneTrailingSlashAndProblemsNameThePathAsSent() {
        Answer plain = send("POST", "/api/v1/events", event("fp-1"));
        assertThat(plain.status()).isEqualTo(202);
        assertThat(plain.header("Content-Type")).isEqualTo("application/json");
        assertThat(plain.json().get("ids").get(0).asText()).isEqualTo("fp-1");

        Answer slashed = send("POST", "/api/v1/events/", event("fp-2"));
        assertThat(slashed.status()).isEqualTo(202);
        assertThat(slashed.json().get("ids").get(0).asText()).isEqualTo("fp-2");

        Answer malformed = send("POST", "/api/v1/events/?x=1", "{\"a\":\n  tru}");
        assertProblem(malformed, 400, "/api/v1/events/");
        assertThat(malformed.json().get("type").asText()).isEqualTo("urn:herald:problem:invalid-request");
        assertThat(malformed.json().get("errors").get(0).get("message").asText()).startsWith("malformed JSON at line 2, column 3");
    }

    @Test
    void otherMethodsAndPathsGoOnToJavalin() {
        assertThat(send("POST", "/api/v1/events", event("fp-get")).status()).isEqualTo(202);
        Answer list = send("GET", "/api/v1/events?limit=500", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items")).anySatisfy(n -> assertThat(n.get("id").asText()).isEqualTo("fp-get"));
        assertThat(send("GET", "/api/v1/events/fp-get", null).json().get("id").asText()).isEqualTo("fp-get");
        assertThat(send("HEAD", "/api/v1/events", null).status()).isEqualTo(200);

        // Another method on the path is Javalin's 405, after its key check.
        Answer put = send("PUT", "/api/v1/events", event("fp-put"));
        assertProblem(put, 405, "/api/v1/events");
        assertThat(put.json().get("detail").asText()).isEqualTo("PUT is not allowed on /api/v1/events: GET, POST");
        assertThat(send("PUT", "/api/v1/events", null, event("fp-put"), false).status()).isEqualTo(401);
        assertProblem(send("POST", "/api/v1/events/x", event("fp-path")), 405, "/api/v1/events/x"); // GET's path

        // Only the path as Javalin matches it: not two slashes, not encoded, not another case.
        for (String path : new String[] {"/api/v1/events//", "/api/v1/%65vents", "/API/v1/events"}) {
            Answer a = send("POST", path, event("fp-path"));
            assertProblem(a, 404, path);
            assertThat(a.json().get("detail").asText()).isEqualTo("no such route: POST " + path);
        }
        assertThat(send("GET", "/api/v1/events/fp-path", null).status()).isEqualTo(404);
    }

    @Test
    void bodiesAreBoundedWithAndWithoutALength() {
        String tooLong = "[" + " ".repeat(MAX_BODY) + "]";
        Answer chunked = send("POST", "/api/v1/events", TestHerald.ADMIN_KEY, tooLong, true);
        assertProblem(chunked, 413, "/api/v1/events");
        assertThat(chunked.json().get("errors").get(0).get("field").asText()).isEqualTo("body");
        assertThat(chunked.json().get("detail").asText()).isEqualTo("the body is larger than the limit of " + MAX_BODY + " bytes");

        Answer declared = send("POST", "/api/v1/events", tooLong);
        assertProblem(declared, 413, "/api/v1/events");
        assertThat(declared.body()).isEqualTo(chunked.body());

        Answer chunkedOk = send("POST", "/api/v1/events", TestHerald.ADMIN_KEY, event("fp-chunked") + " ".repeat(900), true);
        assertThat(chunkedOk.status()).isEqualTo(202);
        assertThat(chunkedOk.json().get("ids").get(0).asText()).isEqualTo("fp-chunked");

        assertThat(send("POST", "/api/v1/events", "").json().get("detail").asText()).isEqualTo("body: a JSON body is required");
        assertThat(send("POST", "/api/v1/events", null).json().get("detail").asText()).isEqualTo("body: a JSON body is required");
    }

    @Test
    void aRefusedKeyIsAnsweredBeforeTheBodyIsRead() throws IOException {
        Answer none = send("POST", "/api/v1/events", null, event("fp-nokey"), false);
        assertProblem(none, 401, "/api/v1/events");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");

        // Headers only, announcing a body that never comes: the 401 does not wait for it.
        try (Socket s = new Socket("127.0.0.1", herald.herald().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Authorization: Bearer wrong\r\nContent-Length: 100\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Answer wrong = read(s.getInputStream());
            assertProblem(wrong, 401, "/api/v1/events");
            assertThat(wrong.json().get("detail").asText()).isEqualTo("the API key is not valid");
        }
    }

    @Test
    void aClientThatWaitsFor100ContinueIsToldToSend() throws IOException {
        byte[] body = event("fp-continue").getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", herald.herald().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\n"
                    + "Authorization: Bearer " + TestHerald.ADMIN_KEY + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readInterim(s.getInputStream())).startsWith("HTTP/1.1 100");
            s.getOutputStream().write(body);
            Answer a = read(s.getInputStream());
            assertThat(a.status()).isEqualTo(202);
        }
    }

    /** The lines of an interim answer, up to its blank line. */
    static String readInterim(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void answersAreCountedAndTimedUnderTheRoute() {
        send("POST", "/api/v1/events", event("fp-metrics"));
        send("POST", "/api/v1/events", event("fp-metrics"));
        send("POST", "/api/v1/events/", "[]");
        String metrics = send("GET", "/metrics", null).body();
        assertThat(metrics).containsPattern("herald_http_requests_seconds_count\\{method=\"POST\",route=\"/api/v1/events\",status=\"202\"} [1-9]")
                .containsPattern("herald_http_requests_seconds_count\\{method=\"POST\",route=\"/api/v1/events\",status=\"400\"} [1-9]")
                .containsPattern("herald_events_ingested_total [1-9]")
                .containsPattern("herald_events_duplicate_total [1-9]");
    }

    @Test
    void drainingRefusesNewRequestsAndStillAnswersAdmittedOnes() throws Exception {
        // Its own Herald: this test stops it.
        try (TestHerald h = TestHerald.start(Backend.SQLITE);
             Socket held = new Socket("127.0.0.1", h.herald().port())) {
            held.setSoTimeout(10_000);
            OutputStream out = held.getOutputStream();
            out.write(("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\n"
                    + "Authorization: Bearer " + TestHerald.ADMIN_KEY + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // The interim answer comes once the handler has admitted the request and waits for its body.
            assertThat(readInterim(held.getInputStream())).startsWith("HTTP/1.1 100");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> h.herald().close());
            var client = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return client.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + h.herald().port() + path))
                            .header("Authorization", "Bearer " + TestHerald.ADMIN_KEY).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get.apply("/health").statusCode() == 503);

            var refused = h.api().post("/api/v1/events", Events.courseViewed("fp-late"));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.contentType()).isEqualTo("application/problem+json");
            assertThat(refused.json().get("detail").asText()).isEqualTo("Herald is shutting down");
            var refusedHeader = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + h.herald().port() + "/api/v1/events/"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(event("fp-late"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(refusedHeader.statusCode()).isEqualTo(503);
            assertThat(refusedHeader.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(get.apply("/api/v1/events").statusCode()).isEqualTo(503); // Javalin refuses alike
            assertThat(stopping).isNotDone(); // it waits for the admitted request

            byte[] body = event("fp-admitted").getBytes(StandardCharsets.UTF_8);
            writeChunk(out, body, 0, body.length);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Answer admitted = read(held.getInputStream());
            assertThat(admitted.status()).isEqualTo(202);
            assertThat(admitted.json().get("ids").get(0).asText()).isEqualTo("fp-admitted");
            stopping.get(30, java.util.concurrent.TimeUnit.SECONDS);

            h.restart();
            assertThat(h.api().get("/api/v1/events/fp-admitted").status()).isEqualTo(200);
            assertThat(h.api().get("/api/v1/events/fp-late").status()).isEqualTo(404);
        }
    }

    @Test
    void aStoreThatFailsAnswers503WithRetryAfterAndStoresNothing() {
        var db = herald.herald().database();
        db.inTransaction(c -> c.createStatement().execute("CREATE TRIGGER refuse_events BEFORE INSERT ON events"
                + " BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"));
        try {
            Answer refused = send("POST", "/api/v1/events", event("store-fails-1"));
            assertProblem(refused, 503, "/api/v1/events");
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(refused.json().get("detail").asText()).contains("nothing was stored");
        } finally {
            db.inTransaction(c -> c.createStatement().execute("DROP TRIGGER refuse_events"));
        }
        assertThat(send("GET", "/api/v1/events/store-fails-1", null).status()).isEqualTo(404);
        assertThat(send("POST", "/api/v1/events", event("store-fails-1")).status()).isEqualTo(202); // the retry is taken
    }
}
