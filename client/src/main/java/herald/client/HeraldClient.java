package herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client of a Herald server: calls external APIs through its gateway by service name, and sends
 * events in. Thread-safe; make one and share it.
 *
 * <pre>{@code
 * HeraldClient herald = HeraldClient.connect("https://herald.example.org", System.getenv("HERALD_KEY"));
 * GatewayResponse r = herald.send("crm").to("/api/v1/clients/42").with(Map.of("email", "ana@example.org"))
 *         .method(GatewayRequest.Method.PUT).dispatch();
 * if (r.isOk()) ... r.json(Client.class) ...
 * herald.publish(Map.of("id", "e-1", "type", "course.completed", "data", Map.of("user_id", 7)));
 * }</pre>
 */
public final class HeraldClient implements AutoCloseable {
    /** Most events per ingest request ({@code HERALD_MAX_BATCH} of the server, 500 by default). */
    public static final int DEFAULT_BATCH = 500;
    private static final int MAX_TRIES = 5;

    /** What publishing stored: the events' ids, and which of them Herald had already (sent again). */
    public record Published(List<String> ids, List<String> duplicates) {}

    private final URI base;
    private final String apiKey;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Duration timeout;

    private HeraldClient(URI base, String apiKey, Duration timeout) {
        this.base = base;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A client of the Herald at {@code url} (e.g. {@code https://herald.example.org}) with an API key. */
    public static HeraldClient connect(String url, String apiKey) {
        return connect(url, apiKey, Duration.ofSeconds(70));
    }

    /** ... with how long one request to Herald may take (a sync gateway call waits for the service). */
    public static HeraldClient connect(String url, String apiKey, Duration requestTimeout) {
        if (apiKey == null || apiKey.isBlank()) throw new IllegalArgumentException("an API key is needed");
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new HeraldClient(URI.create(u), apiKey, requestTimeout);
    }

    /** A gateway call to the service named {@code service}, to be built: {@code send("crm").to("/x").with(obj).dispatch()}. */
    public GatewayRequest send(String service) {
        return new GatewayRequest(this, service);
    }

    /** A sync gateway call in one line (the Integration Hub's {@code mih::request}). */
    public GatewayResponse request(String service, String path, Object payload, GatewayRequest.Method method) {
        return send(service).to(path).with(payload).method(method).dispatch();
    }

    /** Sends one event in (a Moodle-shaped or a generic one), retrying while Herald answers 503. */
    public Published publish(Object event) {
        return publishAll(List.of(event));
    }

    /** Sends events in batches of {@link #DEFAULT_BATCH}, each retried while Herald answers 503 (as its Retry-After says). */
    public Published publishAll(List<?> events) {
        return publishAll(events, DEFAULT_BATCH);
    }

    public Published publishAll(List<?> events, int batchSize) {
        List<String> ids = new ArrayList<>(), duplicates = new ArrayList<>();
        for (int from = 0; from < events.size(); from += batchSize) {
            JsonNode answer = withRetries("POST", "/api/v1/events", events.subList(from, Math.min(events.size(), from + batchSize)));
            answer.path("ids").forEach(n -> ids.add(n.asText()));
            answer.path("duplicates").forEach(n -> duplicates.add(n.asText()));
        }
        return new Published(List.copyOf(ids), List.copyOf(duplicates));
    }

    JsonNode gateway(String service, Map<String, Object> body) {
        return call("POST", "/api/v1/services/" + encode(service) + "/requests", body);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private JsonNode withRetries(String method, String path, Object body) {
        long waitMs = 500;
        for (int attempt = 1; ; attempt++) {
            try {
                return call(method, path, body);
            } catch (HeraldException e) {
                if (e.status() != 503 || attempt >= MAX_TRIES) throw e;
                long hinted = e.retryAfterSeconds() == null ? waitMs : e.retryAfterSeconds() * 1000L;
                sleep(Math.min(30_000, Math.max(hinted, 0)));
                waitMs = Math.min(8_000, waitMs * 2);
            }
        }
    }

    private JsonNode call(String method, String path, Object body) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the body as JSON: " + e.getMessage(), e);
        }
        // Appended, not resolved: a Herald behind a proxy at a sub-path (https://lms.example/herald) keeps it.
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .header("User-Agent", "herald-client-java").method(method, HttpRequest.BodyPublishers.ofByteArray(json)).build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HeraldException(0, null, "unreachable", "Herald cannot be reached at " + base + ": " + e.getMessage(), List.of(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeraldException(0, null, "interrupted", "interrupted", List.of(), null);
        }
        if (r.statusCode() >= 400) throw problem(r);
        try {
            return mapper.readTree(r.body().isEmpty() ? "{}" : r.body());
        } catch (IOException e) {
            throw new HeraldException(r.statusCode(), null, null, "Herald's answer is not JSON", List.of(), null);
        }
    }

    private HeraldException problem(HttpResponse<String> r) {
        Integer retryAfter = r.headers().firstValue("Retry-After").map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
        try {
            JsonNode p = mapper.readTree(r.body());
            List<HeraldException.FieldError> errors = new ArrayList<>();
            p.path("errors").forEach(e -> errors.add(new HeraldException.FieldError(e.path("field").asText(), e.path("message").asText())));
            return new HeraldException(r.statusCode(), p.path("type").asText(null), p.path("code").asText(null), p.path("detail").asText(null),
                    errors, retryAfter);
        } catch (IOException e) {
            return new HeraldException(r.statusCode(), null, null, "HTTP " + r.statusCode(), List.of(), retryAfter);
        }
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeraldException(0, null, "interrupted", "interrupted while waiting to retry", List.of(), null);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
