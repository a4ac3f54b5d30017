package herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a service answered to a gateway call: its status and body, or the error when no answer came.
 * {@link #isOk()} is true for a 2xx. The call's {@link #id()} is its {@code webhook-id}, and its
 * delivery's id in Herald ({@code GET /api/v1/deliveries/{id}}).
 */
public final class GatewayResponse {
    private final ObjectMapper mapper;
    private final String id;
    private final boolean ok;
    private final Integer status;
    private final String body;
    private final String error;
    private final long latencyMs;
    private final int attempts;

    GatewayResponse(ObjectMapper mapper, JsonNode answer) {
        this.mapper = mapper;
        this.id = answer.path("id").asText(null);
        this.ok = answer.path("success").asBoolean(false);
        this.status = answer.path("status").isNumber() ? answer.path("status").asInt() : null;
        this.body = answer.path("body").isTextual() ? answer.path("body").asText() : null;
        this.error = answer.path("error").isTextual() ? answer.path("error").asText() : null;
        this.latencyMs = answer.path("latency_ms").asLong();
        this.attempts = answer.path("attempts").asInt();
    }

    public String id() {
        return id;
    }

    /** Whether the service answered 2xx. */
    public boolean isOk() {
        return ok;
    }

    /** The service's HTTP status, or null when no answer came (see {@link #error()}). */
    public Integer status() {
        return status;
    }

    /** The service's answer (up to 256 KiB), or null. */
    public String body() {
        return body;
    }

    /** Why no answer came (a refused connection, a timeout), or null. */
    public String error() {
        return error;
    }

    public long latencyMs() {
        return latencyMs;
    }

    /** How many times Herald tried (more than one only when no connection could be made). */
    public int attempts() {
        return attempts;
    }

    /** The body as JSON. */
    public JsonNode json() {
        try {
            return mapper.readTree(body == null ? "null" : body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the service's answer is not JSON", e);
        }
    }

    /** The body read as {@code type} (Jackson). */
    public <T> T json(Class<T> type) {
        try {
            return mapper.readValue(body, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the service's answer is not a " + type.getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return "GatewayResponse[id=" + id + ", ok=" + ok + ", status=" + status + ", attempts=" + attempts + "]";
    }
}
