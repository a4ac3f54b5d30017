package herald.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.ids.Ids;
import herald.json.Json;
import herald.net.Urls;
import herald.outbound.OutboundCall;
import herald.outbound.SecretMask;
import herald.outbound.ServiceStates;
import herald.rendering.FormEncoding;
import herald.rendering.RenderException;
import herald.rendering.Renderer;
import herald.rendering.SoapEnvelope;
import herald.store.Database;
import herald.subscription.Service;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway: LMS code calls an external API by service name, and Herald makes the call with the
 * service's URL, credentials, TLS, guard, timeout and breaker. {@link #send} calls now and answers
 * (retrying within the call only when no connection could be made); {@link #enqueue} makes it a
 * second kind of work for the delivery engine, with the service's retries and dead letters. Either
 * way it is a delivery (without an event or a subscription: {@code event_id} names the request) with
 * its attempts, so the log, the queue and the dead letters show gateway calls beside deliveries.
 */
public final class Gateway {
    /** A call: {@code payload} is the JSON body (for GET, the query string's fields). */
    public record Call(String path, String method, JsonNode payload, Map<String, String> headers, String idempotencyKey) {}

    /** A sync call's answer. {@code success}: a 2xx came back. */
    public record Result(String id, boolean success, Integer status, String body, String error, long latencyMs, int attempts) {}

    /** A gateway delivery's subscription: none. */
    static final String NO_SUBSCRIPTION = "";
    static final String REQUEST_PREFIX = "req_";
    private static final int MAX_CONNECT_TRIES = 3;
    private static final int RESPONSE_BYTES = 256 * 1024;

    private final Database db;
    private final DeliveryStore store;
    private final OutboundCall outbound;
    private final ServiceStates states;
    private final Runnable wake;

    public Gateway(Database db, DeliveryStore store, OutboundCall outbound, ServiceStates states, Runnable wake) {
        this.db = db;
        this.store = store;
        this.outbound = outbound;
        this.states = states;
        this.wake = wake;
    }

    /**
     * The event of each delivery, or for a gateway call its stored request, by the delivery's event
     * id, held in the budget (the sender releases them). The first {@code exempt} are read whatever
     * the budget, the rest within it; the deliveries it left unread are named, to be given back.
     */
    Read bodies(List<Delivery> due, int exempt, BodyBudget budget) {
        Map<String, String> read = new HashMap<>();
        Set<String> unreadIds = new HashSet<>();
        readInto(due.subList(0, exempt), Long.MAX_VALUE, read, unreadIds);
        readInto(due.subList(exempt, due.size()), budget.freeChars(), read, unreadIds);
        List<Delivery> unread = new ArrayList<>();
        long held = 0;
        for (Delivery d : due) {
            if (unreadIds.contains(d.id())) unread.add(d);
            else held += BodyBudget.size(read.get(d.eventId()));
        }
        budget.hold(held);
        budget.observed(read.values().stream().mapToLong(String::length).sum(), read.size());
        return new Read(read, unread);
    }

    /** Gateway requests first (a caller may be waiting on them), then events, while {@code free} lasts. */
    private void readInto(List<Delivery> due, long free, Map<String, String> read, Set<String> unreadIds) {
        if (due.isEmpty()) return;
        List<String> events = new ArrayList<>(), requests = new ArrayList<>();
        for (Delivery d : due) (isGateway(d) ? requests : events).add(d.eventId());
        var fromRequests = store.bodiesWithin("gateway_requests", "request", requests.stream().distinct().toList(), free);
        var fromEvents = store.bodiesWithin("events", "body", events.stream().distinct().toList(),
                free - fromRequests.read().values().stream().mapToLong(String::length).sum());
        read.putAll(fromRequests.read());
        read.putAll(fromEvents.read());
        for (Delivery d : due) {
            if ((isGateway(d) ? fromRequests : fromEvents).unread().contains(d.eventId())) unreadIds.add(d.id());
        }
    }

    /** Bodies read by the delivery's event id, and the deliveries left unread for the budget. */
    record Read(Map<String, String> bodies, List<Delivery> unread) {}

    static boolean isGateway(Delivery d) {
        return NO_SUBSCRIPTION.equals(d.subscriptionId());
    }

    /** Whether the service's breaker refuses calls now; when it does, until when. */
    public Optional<Long> openUntil(Service svc) {
        ServiceStates.State st = states.get(svc.id());
        return st != null && st.blocksCalls() ? Optional.of(st.openUntil()) : Optional.empty();
    }

    /** A sync call whose idempotency key names a call not over yet: it is not made twice. */
    public static final class InProgress extends RuntimeException {
        private final String id;

        InProgress(String id) {
            super("the call with this idempotency key is not over yet: " + id, null, false, false);
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * Calls now, within {@code timeoutMs} in all; a connection that cannot be made is tried again while
     * time is left. With an idempotency key, the key is taken before the call: a repeat answers what
     * this call got once it is over ({@link InProgress} until then), and the far side is called once.
     */
    public Result send(Service svc, Call call, long timeoutMs) throws RenderException {
        String id = Ids.newId("msg");
        String requestId = REQUEST_PREFIX + id.substring(4);
        ObjectNode doc = document(call);
        OutboundCall.Request req = request(svc, doc, id);
        Service withHeaders = svc.withExtraHeaders(headers(doc));
        String key = call.idempotencyKey();
        if (key != null) {
            long at = System.currentTimeMillis();
            // Leased as a claim is: should this node stop mid-call, the delivery engine finishes it, same webhook-id.
            Optional<Earlier> earlier = db.inBookkeepingTransaction(c -> {
                freeOrphanedKey(c, svc.id(), key);
                if (!insertRequest(c, requestId, svc.id(), doc, key, at)) return earlier(c, svc, key);
                store.insertNew(c, List.of(new Delivery(id, requestId, NO_SUBSCRIPTION, svc.id(), "delivering", 0, at, null, at, at)),
                        at + timeoutMs + LEASE_MARGIN_MS);
                return Optional.<Earlier>empty();
            });
            if (earlier.isPresent()) {
                if (!earlier.get().finished()) throw new InProgress(earlier.get().result().id());
                return earlier.get().result();
            }
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<Attempt> attempts = new ArrayList<>();
        SecretMask mask = SecretMask.of(svc);
        OutboundCall.Response r;
        do {
            long left = Math.max(1, deadline - System.currentTimeMillis());
            r = outbound.send(withHeaders, req, RESPONSE_BYTES, Math.min(left, svc.timeoutMs()));
            attempts.add(attempt(id, r, req, mask));
        } while (r.status() == null && connectionFailed(r) && attempts.size() < MAX_CONNECT_TRIES
                && System.currentTimeMillis() + 100 < deadline && pause(100L * attempts.size()));
        long now = System.currentTimeMillis();
        if (OutcomeRules.isServiceFailure(r.status())) states.recordFailure(svc.id(), svc.breaker(), now, id);
        boolean ok = r.succeeded();
        Delivery d = new Delivery(id, requestId, NO_SUBSCRIPTION, svc.id(), ok ? "delivered" : "dead", attempts.size(), now,
                ok ? null : r.error() != null ? r.error() : "HTTP " + r.status(), attempts.get(0).startedAt(), now);
        db.inBookkeepingTransaction(c -> {
            if (key == null) {
                insertRequest(c, requestId, svc.id(), doc, null, now);
                store.insertNew(c, List.of(d), null);
            }
            store.insertAttempts(c, attempts);
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, lease_until = NULL,"
                    + " updated_at = ? WHERE id = ?")) {
                ps.setString(1, d.status());
                ps.setInt(2, attempts.size());
                ps.setString(3, d.lastError());
                ps.setLong(4, now);
                ps.setString(5, id);
                ps.executeUpdate();
            }
            return null;
        });
        long latency = attempts.stream().mapToLong(Attempt::durationMs).sum();
        // The service's own credentials are masked in the answer as in the attempt log: a receiver that
        // echoes the request would otherwise show them to a key that may only call it.
        return new Result(id, ok, r.status(), mask.maskAnswer(r.excerpt()), r.status() == null ? mask.maskAnswer(r.error()) : null, latency,
                attempts.size());
    }

    /** Queues the call with the service's retries and dead letters; the same idempotency key gives the same id. */
    public String enqueue(Service svc, Call call) throws RenderException {
        ObjectNode doc = document(call);
        request(svc, doc, "check"); // refuse now what could never be sent
        long now = System.currentTimeMillis();
        String id = Ids.newId("msg");
        String requestId = REQUEST_PREFIX + id.substring(4);
        String existing = db.inTransaction(c -> {
            if (call.idempotencyKey() != null) {
                Optional<Earlier> earlier = earlier(c, svc, call.idempotencyKey());
                if (earlier.isPresent()) return earlier.get().result().id();
                freeOrphanedKey(c, svc.id(), call.idempotencyKey());
            }
            if (!insertRequest(c, requestId, svc.id(), doc, call.idempotencyKey(), now)) { // another node's call took the key
                return earlier(c, svc, call.idempotencyKey()).orElseThrow().result().id();
            }
            store.insertNew(c, List.of(new Delivery(id, requestId, NO_SUBSCRIPTION, svc.id(), "pending", 0, now, null, now, now)), null);
            return null;
        });
        if (existing != null) return existing;
        wake.run();
        return id;
    }

    /** The HTTP request of a stored call, for {@code svc} ({@code messageId}: its webhook-id). */
    static OutboundCall.Request request(Service svc, JsonNode doc, String messageId) throws RenderException {
        JsonNode payload = doc.get("payload");
        if (svc.isAmqp()) { // the path names the routing key; the payload is the message
            String key = doc.path("path").asText("").replaceFirst("^/+", "");
            if (key.isEmpty()) throw new RenderException("path: an AMQP service's call names its routing key as the path");
            if (key.getBytes(StandardCharsets.UTF_8).length > 255) throw new RenderException("path: a routing key has at most 255 bytes");
            return new OutboundCall.Request(Renderer.AMQP_PUBLISH, svc.url(), "application/json", jsonBytes(payload), messageId, key);
        }
        if (svc.isSoap()) { // the payload is the body's content: XML as a string, or JSON written as elements
            String url = joined(svc, doc);
            String bodyXml = payload != null && payload.isTextual() ? payload.asText() : SoapEnvelope.bodyOf(payload);
            return new OutboundCall.Request("POST", url, SoapEnvelope.mediaType(svc.soap()),
                    SoapEnvelope.wrap(svc.soap().version(), bodyXml).getBytes(StandardCharsets.UTF_8), messageId);
        }
        String method = doc.path("method").asText("POST");
        String url = joined(svc, doc);
        if (method.equals("GET")) { // a GET carries its payload in the query string
            if (payload != null && payload.isObject() && !payload.isEmpty()) {
                String query = FormEncoding.encode(FormEncoding.fields(payload, FormEncoding.Style.BRACKETS));
                url = url + (url.contains("?") ? "&" : "?") + query;
            }
            return new OutboundCall.Request(method, url, "application/json", new byte[0], messageId);
        }
        return new OutboundCall.Request(method, url, "application/json", jsonBytes(payload), messageId);
    }

    private static String joined(Service svc, JsonNode doc) throws RenderException {
        try {
            return Urls.join(svc.url(), doc.path("path").asText(""));
        } catch (IllegalArgumentException e) {
            throw new RenderException(e.getMessage());
        }
    }

    private static byte[] jsonBytes(JsonNode payload) {
        return payload == null || payload.isNull() ? new byte[0] : Json.write(payload).getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> headers(JsonNode doc) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        doc.path("headers").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static ObjectNode document(Call call) {
        ObjectNode doc = Json.object().put("method", call.method()).put("path", call.path() == null ? "" : call.path());
        doc.set("payload", call.payload());
        ObjectNode h = doc.putObject("headers");
        call.headers().forEach(h::put);
        return doc;
    }

    /** How long past its timeout a sync call's taken key waits before the delivery engine takes the call over. */
    private static final long LEASE_MARGIN_MS = 60_000;

    /** A key whose call's delivery was deleted (its request is cleared later by retention) is free again. */
    private static void freeOrphanedKey(java.sql.Connection c, String serviceId, String key) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM gateway_requests WHERE service_id = ? AND idempotency_key = ?"
                + " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = gateway_requests.id)")) {
            ps.setString(1, serviceId);
            ps.setString(2, key);
            ps.executeUpdate();
        }
    }

    /** False when the idempotency key is taken (by a call committed meanwhile): nothing is written then. */
    private static boolean insertRequest(java.sql.Connection c, String requestId, String serviceId, ObjectNode doc, String idempotencyKey,
                                         long now) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_requests (id, service_id, request, idempotency_key, created_at)"
                + " VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, requestId);
            ps.setString(2, serviceId);
            ps.setString(3, Json.write(doc));
            ps.setString(4, idempotencyKey);
            ps.setLong(5, now);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * A call made before with this idempotency key: what a sync call answers for it, as its attempt
     * log keeps it (the last attempt; its body's first 16 KiB, secrets masked), and whether it is over
     * (an async call may be queued, a sync one under way).
     */
    public record Earlier(Result result, boolean finished) {}

    public Optional<Earlier> earlier(Service svc, String idempotencyKey) {
        return db.read(c -> earlier(c, svc, idempotencyKey));
    }

    private static Optional<Earlier> earlier(java.sql.Connection c, Service svc, String idempotencyKey) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d.id, d.status, d.attempts, a.status_code, a.response_excerpt,"
                + " COALESCE(a.error, d.last_error), (SELECT COALESCE(SUM(duration_ms), 0) FROM attempts WHERE delivery_id = d.id)"
                + " FROM gateway_requests g JOIN deliveries d ON d.event_id = g.id"
                + " LEFT JOIN attempts a ON a.id = (SELECT id FROM attempts WHERE delivery_id = d.id ORDER BY started_at DESC, id DESC LIMIT 1)"
                + " WHERE g.service_id = ? AND g.idempotency_key = ?")) {
            ps.setString(1, svc.id());
            ps.setString(2, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                String status = rs.getString(2);
                Integer code = rs.getObject(4) == null ? null : rs.getInt(4);
                var result = new Result(rs.getString(1), "delivered".equals(status), code, rs.getString(5),
                        code == null ? rs.getString(6) : null, rs.getLong(7), rs.getInt(3));
                return Optional.of(new Earlier(result, "delivered".equals(status) || "dead".equals(status)));
            }
        }
    }

    private static Attempt attempt(String id, OutboundCall.Response r, OutboundCall.Request req, SecretMask mask) {
        return new Attempt(Ids.newId("att"), id, r.startedAt(), r.durationMs(), r.status(), r.errorKind(), mask.maskAnswer(r.error()),
                mask.mask(Json.writeStrings(r.sentHeaders())), mask.maskAnswer(r.responseHeaders()),
                Attempt.excerpt(r.excerpt(), mask), req.method(), mask.mask(req.url()), Attempt.kept(req.body(), mask));
    }

    private static boolean connectionFailed(OutboundCall.Response r) {
        return "connect".equals(r.errorKind()) || "dns".equals(r.errorKind());
    }

    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
