package herald.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gateway call being built: {@code client.send("crm").to("/api/v1/clients").with(client).method(Method.PUT).dispatch()}.
 * Not thread-safe; build one per call.
 */
public final class GatewayRequest {
    /** The HTTP method of the call to the service. */
    public enum Method { GET, POST, PUT, PATCH, DELETE }

    private final HeraldClient client;
    private final String service;
    private String path = "";
    private Object payload;
    private Method method = Method.POST;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String idempotencyKey;
    private Duration timeout;

    GatewayRequest(HeraldClient client, String service) {
        this.client = client;
        this.service = service;
    }

    /** The path, joined to the service's URL. */
    public GatewayRequest to(String path) {
        this.path = path;
        return this;
    }

    /** The payload: any object Jackson writes (for GET, the query string's fields). */
    public GatewayRequest with(Object payload) {
        this.payload = payload;
        return this;
    }

    public GatewayRequest method(Method method) {
        this.method = method;
        return this;
    }

    /** A header added to the service's own (not Authorization: the service's credentials apply). */
    public GatewayRequest header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** For {@link #async()}: the same key gives the same call, so a retried enqueue is not a second call. */
    public GatewayRequest idempotencyKey(String key) {
        this.idempotencyKey = key;
        return this;
    }

    /**
     * For a sync call: the most the whole call may take in Herald (default: the service's timeout).
     * Each attempt also stops at the service's timeout: this shortens a call, it cannot lengthen one.
     */
    public GatewayRequest timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Calls now and returns the service's answer. Throws {@link HeraldException} when Herald refuses (unknown or disabled service, open breaker). */
    public GatewayResponse dispatch() {
        return new GatewayResponse(client.mapper(), client.gateway(service, body("sync")));
    }

    /** Queues the call instead, with the service's retries and dead letters. */
    public Async async() {
        return new Async();
    }

    /** A queued call: {@link #dispatch()} returns its id once Herald has stored it. */
    public final class Async {
        private Async() {}

        public String dispatch() {
            return client.gateway(service, body("async")).path("id").asText();
        }
    }

    private Map<String, Object> body(String mode) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("path", path);
        b.put("method", method.name());
        if (payload != null) b.put("payload", payload);
        if (!headers.isEmpty()) b.put("headers", headers);
        b.put("mode", mode);
        if (idempotencyKey != null) b.put("idempotency_key", idempotencyKey);
        if (timeout != null && mode.equals("sync")) b.put("timeout_ms", timeout.toMillis());
        return b;
    }
}
