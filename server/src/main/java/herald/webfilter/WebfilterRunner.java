package herald.webfilter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.ids.Ids;
import herald.json.Json;
import herald.json.PythonText;
import herald.net.Urls;
import herald.outbound.OutboundCall;
import herald.outbound.ServiceStates;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the webfilters of one Open edX filter, as openedx-webhooks' {@code filters.py} does, inside
 * a user's request and so within a time budget. Each enabled webfilter gets the same data plus
 * {@code event_metadata}; each answer's {@code data} updates the data shallowly (last writer wins
 * per top-level key) and its {@code exception}s are collected likewise; after the last, the first
 * exception the filter checks halts. A 4xx or 5xx halts at once only with its "halt on" option
 * (otherwise its body counts like any answer); a failed call halts only with "halt on request
 * exception" (otherwise that webfilter is skipped). Calls are logged in the background, so that
 * logging adds nothing to the user's wait.
 */
public final class WebfilterRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebfilterRunner.class);
    /** What the plugin (v22) drops from what it sends, at any depth, whatever the case. */
    static final Set<String> SENSITIVE = Set.of("password", "password1", "password2", "old_password", "new_password", "access_token",
            "refresh_token", "client_secret", "authorization", "cookie", "csrfmiddlewaretoken");
    private static final DateTimeFormatter PY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;
    private static final int LOGGED_BODY_CHARS = 16 * 1024;
    private static final long CACHE_MS = 1_000;

    /** One webfilter's call: {@code outcome} merged, halted, ignored, skipped (the budget ran out first). */
    public record Call(String webfilterId, Integer status, String errorKind, String error, long durationMs, String outcome) {}

    /** The answer: the data after every answer, the exception that halts (or null), each call, whether the budget ran out. */
    public record Result(ObjectNode data, ObjectNode exception, List<Call> calls, boolean budgetExhausted) {}

    private record Cached(List<Webfilter> webfilters, long until) {}

    private final Database db;
    private final WebfilterStore store;
    private final FilterTypes types;
    private final ConfigStore configs;
    private final ServiceStates states;
    private final OutboundCall outbound;
    private final MeterRegistry metrics;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /**
     * Call logs waiting for their write (the writer takes them in batches, so a few at a time); past
     * it they are dropped and said so. Each holds up to twice {@link #LOGGED_BODY_CHARS}: at 10,000,
     * a database that stalled could have them hold 640 MB.
     */
    private final BlockingQueue<WebfilterStore.CallLog> pendingLogs = new ArrayBlockingQueue<>(1_000);
    private final Thread logWriter;
    private volatile boolean closing;

    public WebfilterRunner(Database db, WebfilterStore store, FilterTypes types, ConfigStore configs, ServiceStates states,
                           OutboundCall outbound, MeterRegistry metrics) {
        this.db = db;
        this.store = store;
        this.types = types;
        this.configs = configs;
        this.states = states;
        this.outbound = outbound;
        this.metrics = metrics;
        this.logWriter = Thread.ofPlatform().name("webfilter-log").daemon().start(this::writeLogs);
    }

    /** Forgets the cached webfilters (a webfilter changed on this node; other nodes see it within a second). */
    public void changed() {
        cache.clear();
    }

    public Result run(FilterTypes.FilterType type, ObjectNode input, long budgetMs) {
        List<Webfilter> webfilters = enabled(type.filterType());
        if (webfilters.isEmpty()) return new Result(input, null, List.of(), false);
        ObjectNode payload = (ObjectNode) withoutSensitive(input.deepCopy());
        ObjectNode responseData = Json.object();
        ObjectNode responseExceptions = Json.object();
        List<Call> calls = new ArrayList<>();
        long deadline = System.currentTimeMillis() + budgetMs;
        for (int i = 0; i < webfilters.size(); i++) {
            Webfilter wf = webfilters.get(i);
            long remaining = deadline - System.currentTimeMillis();
            if (remaining <= 0) {
                for (Webfilter skipped : webfilters.subList(i, webfilters.size())) {
                    calls.add(record(skipped, type, null, null, "the call's time budget ran out first", 0, "skipped", null, null));
                }
                return new Result(merged(input, responseData), exception(type, responseExceptions), calls, true);
            }
            ObjectNode sent = payload.deepCopy();
            sent.putObject("event_metadata").put("event_type", type.className()).put("time", PY_TIME.format(Instant.now()));
            byte[] body = wf.useWwwFormEncoding() ? form(sent) : Json.write(sent).getBytes(StandardCharsets.UTF_8);
            String contentType = wf.useWwwFormEncoding() ? "application/x-www-form-urlencoded" : "application/json";
            long started = System.currentTimeMillis();
            OutboundCall.Response r;
            String url = null;
            try {
                Service svc = service(wf);
                url = wf.serviceId() == null ? wf.url() : Urls.join(svc.url(), wf.path());
                // A message id of its own for each call: receivers drop a webhook-id they have seen (Standard Webhooks).
                r = outbound.send(svc, new OutboundCall.Request("POST", url, contentType, body, Ids.newId("msg")), MAX_ANSWER_BYTES,
                        Math.min(wf.timeoutMs(), remaining));
            } catch (RuntimeException e) { // no service, breaker open, a URL the client refuses
                r = new OutboundCall.Response(null, "unavailable", e.getMessage(), null, "", null, Map.of(), started,
                        System.currentTimeMillis() - started);
            }
            String bodyText = new String(body, StandardCharsets.UTF_8);
            if (r.status() == null) {
                if (wf.haltOnRequestException() && type.transportException() != null) {
                    calls.add(record(wf, type, null, r.errorKind(), r.error(), r.durationMs(), "halted", bodyText, null));
                    return new Result(input, transport(type, r.error(), wf.redirectOnRequestException(), null), calls, false);
                }
                calls.add(record(wf, type, null, r.errorKind(), r.error(), r.durationMs(), "ignored", bodyText, null));
                continue;
            }
            int status = r.status();
            boolean halt4 = status >= 400 && status <= 499 && wf.haltOn4xx();
            boolean halt5 = status >= 500 && status <= 599 && wf.haltOn5xx();
            if ((halt4 || halt5) && type.transportException() != null) {
                String message = "Request to " + url + " after webhook event " + type.className() + " returned status code " + status
                        + " (" + HttpStatus.getMessage(status) + ")";
                calls.add(record(wf, type, status, null, null, r.durationMs(), "halted", bodyText, r.excerpt()));
                return new Result(input, transport(type, message, halt4 ? wf.redirectOn4xx() : wf.redirectOn5xx(), status), calls, false);
            }
            JsonNode answer = object(r.excerpt());
            boolean data = answer.path("data").isObject(), exception = answer.path("exception").isObject();
            if (!wf.disableFiltering() && data) responseData.setAll((ObjectNode) answer.get("data"));
            if (!wf.disableHalt() && exception) responseExceptions.setAll((ObjectNode) answer.get("exception"));
            // "ignored" when what it answered was all set aside by disable_filtering / disable_halt
            boolean setAside = (wf.disableFiltering() && data) || (wf.disableHalt() && exception);
            boolean taken = (!wf.disableFiltering() && data) || (!wf.disableHalt() && exception);
            calls.add(record(wf, type, status, null, null, r.durationMs(), setAside && !taken ? "ignored" : "merged", bodyText,
                    r.excerpt()));
        }
        return new Result(merged(input, responseData), exception(type, responseExceptions), calls, false);
    }

    private List<Webfilter> enabled(String filterType) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(filterType);
        if (c != null && c.until() > now) return c.webfilters();
        List<Webfilter> fresh = store.enabledFor(filterType);
        cache.put(filterType, new Cached(fresh, now + CACHE_MS));
        return fresh;
    }

    private Service service(Webfilter wf) {
        if (wf.serviceId() == null) return Service.plain(wf.url(), wf.timeoutMs());
        Service svc = db.read(c -> configs.service(c, wf.serviceId()))
                .orElseThrow(() -> new IllegalStateException("service " + wf.serviceId() + " no longer exists"));
        if (!svc.enabled()) throw new IllegalStateException("service " + svc.name() + " is disabled");
        if (svc.isAmqp() || svc.isSoap()) throw new IllegalStateException("service " + svc.name() + " is not an HTTP service");
        ServiceStates.State st = states.get(svc.id());
        if (st != null && st.blocksCalls()) throw new IllegalStateException("the circuit breaker of service " + svc.name() + " is open");
        return svc;
    }

    /** The input with the answers' data laid over it, top-level key by key. */
    private static ObjectNode merged(ObjectNode input, ObjectNode responseData) {
        ObjectNode out = input.deepCopy();
        out.setAll(responseData);
        return out;
    }

    /** The first exception the filter checks (in its order) among those the answers gave, or null. */
    static ObjectNode exception(FilterTypes.FilterType type, ObjectNode given) {
        // a filter whose handler checks no exception cannot be halted by an answer
        if (given.isEmpty() || type.checkedExceptions().isEmpty()) return null;
        for (String name : type.checkedExceptions()) {
            if (!given.has(name)) continue;
            JsonNode spec = given.get(name);
            ObjectNode e = Json.object().put("name", name);
            if (name.equals("RenderCustomResponse")) {
                e.put("message", "Render Custom Response");
                e.set("response", spec);
                return e;
            }
            List<String> params = type.exceptionParams().getOrDefault(name, List.of("message", "redirect_to", "status_code"));
            e.put("message", spec.isTextual() ? spec.textValue() : spec.isObject() ? spec.path("message").asText("") : "Reason not specified");
            e.set("redirect_to", spec.isObject() && spec.has("redirect_to") && params.contains("redirect_to") ? spec.get("redirect_to")
                    : defaultRedirect(name));
            e.set("status_code", spec.isObject() && spec.has("status_code") && params.contains("status_code") ? spec.get("status_code")
                    : Json.MAPPER.nullNode());
            if (spec.isObject()) {
                spec.properties().forEach(p -> {
                    if (!e.has(p.getKey()) && params.contains(p.getKey())) e.set(p.getKey(), p.getValue());
                });
            }
            return e;
        }
        return null;
    }

    /** The exception the filter's handler raises when a call fails and its "halt on" option says so. */
    static ObjectNode transport(FilterTypes.FilterType type, String message, String redirect, Integer status) {
        String name = type.transportException();
        List<String> params = type.exceptionParams().getOrDefault(name, List.of("message", "redirect_to", "status_code"));
        ObjectNode e = Json.object().put("name", name).put("message", message);
        if (params.contains("redirect_to")) e.put("redirect_to", redirect == null ? "" : redirect);
        else e.putNull("redirect_to");
        if (status != null && params.contains("status_code")) e.put("status_code", status);
        else e.putNull("status_code");
        return e;
    }

    private static JsonNode defaultRedirect(String name) {
        return name.equals("PreventLogin") || name.equals("RedirectToPage") ? Json.MAPPER.getNodeFactory().textNode("")
                : Json.MAPPER.nullNode();
    }

    /**
     * An answer's body as a JSON object; anything else (empty, not JSON, a list, a string, or what
     * ingest would refuse: a reply of 1e9999s is merged and written out in full) is {@code {}}.
     */
    private static JsonNode object(String text) {
        if (text == null || text.isBlank()) return Json.object();
        try {
            JsonNode n = Json.read(text);
            return n.isObject() && Json.unstorable(n, text.length()) == null ? n : Json.object();
        } catch (IllegalArgumentException e) {
            return Json.object();
        }
    }

    static JsonNode withoutSensitive(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> drop = new ArrayList<>();
            o.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("_") || SENSITIVE.contains(k.toLowerCase(Locale.ROOT))) drop.add(k);
            });
            o.remove(drop);
            o.forEach(WebfilterRunner::withoutSensitive);
        } else if (n != null && n.isArray()) {
            n.forEach(WebfilterRunner::withoutSensitive);
        }
        return n;
    }

    /** The plugin's form encoding: flattened with '_', Python's str() of each leaf, url-encoded as requests does. */
    static byte[] form(ObjectNode payload) {
        StringBuilder b = new StringBuilder();
        PythonText.flatten(payload).forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Call record(Webfilter wf, FilterTypes.FilterType type, Integer status, String errorKind, String error, long durationMs,
                        String outcome, String requestBody, String responseBody) {
        Counter.builder("herald_webfilter_calls_total").tag("filter", type.className()).tag("outcome", outcome).register(metrics).increment();
        if (!outcome.equals("skipped")) {
            Timer.builder("herald_webfilter_call_seconds").tag("filter", type.className()).register(metrics)
                    .record(durationMs, TimeUnit.MILLISECONDS);
        }
        var entry = new WebfilterStore.CallLog(0, wf.id(), type.filterType(), System.currentTimeMillis(), durationMs, status, errorKind,
                error, outcome, cut(requestBody), cut(responseBody));
        if (!pendingLogs.offer(entry)) log.warn("webfilter.log_full dropped call of webfilter={}", wf.id());
        return new Call(wf.id(), status, errorKind, error, durationMs, outcome);
    }

    private static String cut(String s) {
        return s == null || s.length() <= LOGGED_BODY_CHARS ? s : s.substring(0, LOGGED_BODY_CHARS) + "…";
    }

    private void writeLogs() {
        List<WebfilterStore.CallLog> batch = new ArrayList<>();
        while (!closing || !pendingLogs.isEmpty()) {
            try {
                var first = pendingLogs.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                pendingLogs.drainTo(batch, 999);
                store.log(batch);
            } catch (InterruptedException e) {
                if (closing) break;
            } catch (RuntimeException e) {
                log.warn("webfilter.log_failed calls={} error={}", batch.size(), e.toString());
            }
            batch.clear();
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            logWriter.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
