package herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for Herald's API on loopback. */
public final class Api {
    public record Response(int status, String contentType, String text, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            return Json.read(text);
        }

        /** A response header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The field names of a problem body's {@code errors}. */
        public java.util.List<String> errorFields() {
            var out = new java.util.ArrayList<String>();
            json().path("errors").forEach(e -> out.add(e.path("field").asText()));
            return out;
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;
    private final java.util.Map<String, String> headers;

    public Api(int port, String key) {
        this("http://127.0.0.1:" + port, key, java.util.Map.of());
    }

    private Api(String base, String key, java.util.Map<String, String> headers) {
        this.base = base;
        this.key = key;
        this.headers = headers;
    }

    /** The same client, sending one more header on every request. */
    public Api withHeader(String name, String value) {
        var more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new Api(base, key, java.util.Map.copyOf(more));
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    /** The most events {@link #ingest} posts in one request (the ingest's limit is higher). */
    private static final int INGEST_BATCH = 250;

    /** Posts {@code events} to the ingest API in batches; each must be acknowledged (202). */
    public void ingest(java.util.List<? extends JsonNode> events) {
        for (int from = 0; from < events.size(); from += INGEST_BATCH) {
            Response r = post("/api/v1/events", events.subList(from, Math.min(events.size(), from + INGEST_BATCH)));
            if (r.status() != 202) throw new AssertionError("ingest answered " + r.status() + ": " + r.text());
        }
    }

    /** Creates a service (name, url, then any more fields) and a subscription to every event; returns the service id. */
    public String serviceSubscribedToAll(String name, String url, com.fasterxml.jackson.databind.node.ObjectNode more) {
        var svc = Json.object().put("name", name).put("url", url);
        if (more != null) svc.setAll(more);
        Response created = post("/api/v1/services", svc);
        if (created.status() != 201) throw new AssertionError("service answered " + created.status() + ": " + created.text());
        String id = created.json().get("id").asText();
        var sub = Json.object().put("service_id", id);
        sub.putArray("events").add("*");
        Response subscribed = post("/api/v1/subscriptions", sub);
        if (subscribed.status() != 201) throw new AssertionError("subscription answered " + subscribed.status() + ": " + subscribed.text());
        return id;
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** {@code body} is a JSON string as-is, bytes as they are, or any object written as JSON. */
    public Response send(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) b.header("Authorization", "Bearer " + key);
        headers.forEach(b::header);
        byte[] bytes = body == null ? null : body instanceof byte[] raw ? raw
                : (body instanceof String s ? s : Json.write(body)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes != null) b.header("Content-Type", "application/json");
        b.method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
