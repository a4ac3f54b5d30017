package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.delivery.Gateway;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.rendering.RenderException;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway ({@code POST /api/v1/services/{name}/requests}): LMS code reaches an external API by
 * the service's name, and Herald calls it with the service's settings, now ({@code sync}) or through
 * the delivery queue ({@code async}, with the service's retries and dead letters).
 */
public final class GatewayUseCases {
    public static final int MAX_TIMEOUT_MS = 60_000;

    /** An answer: a sync call's result, or for async the queued call's id ({@code status} "pending"). */
    public record Answer(boolean async, Gateway.Result result) {}

    private final Database db;
    private final ConfigStore configs;
    private final Gateway gateway;

    public GatewayUseCases(Database db, ConfigStore configs, Gateway gateway) {
        this.db = db;
        this.configs = configs;
        this.gateway = gateway;
    }

    public Answer call(String serviceName, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("path", "method", "payload", "headers", "mode", "idempotency_key", "timeout_ms");
        String path = f.string("path", false, 2000, "");
        String method = f.oneOf("method", "POST", ServiceJson.METHODS.toArray(String[]::new));
        String mode = f.oneOf("mode", "sync", "sync", "async");
        String key = f.string("idempotency_key", false, 200, null);
        Map<String, String> headers = f.stringMap("headers", 50, 4096);
        headers.forEach((k, v) -> {
            if (!k.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) errors.add("headers." + k, "is not a valid header name");
            else if (ServiceJson.RESERVED_HEADERS.contains(k.toLowerCase(Locale.ROOT)) || k.equalsIgnoreCase("authorization")) {
                errors.add("headers." + k, "is set by Herald (the service's credentials and signature) and cannot be given");
            }
            if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) errors.add("headers." + k, "must not contain line breaks");
        });
        Integer timeout = f.integer("timeout_ms", 100, MAX_TIMEOUT_MS, null);
        errors.throwIfAny();
        Service svc = db.read(c -> {
            var byName = configs.serviceByName(c, serviceName);
            return byName.isPresent() ? byName : configs.service(c, serviceName); // a name, or an id
        }).orElseThrow(() -> new Problem(Problem.Kind.NOT_FOUND, "no service named '" + serviceName + "'").withCode("service_not_found"));
        if (key != null && mode.equals("sync")) { // made before: its answer, whatever the service's state now
            var earlier = gateway.earlier(svc, key);
            if (earlier.isPresent() && !earlier.get().finished()) throw inProgress(earlier.get().result().id());
            if (earlier.isPresent()) return new Answer(false, earlier.get().result());
        }
        if (!svc.enabled()) {
            throw new Problem(Problem.Kind.CONFLICT, "the service " + svc.name() + " is disabled").withCode("service_disabled");
        }
        var open = gateway.openUntil(svc);
        if (open.isPresent()) {
            int wait = (int) Math.max(1, (open.get() - System.currentTimeMillis() + 999) / 1000);
            throw new Problem(Problem.Kind.UNAVAILABLE, "the circuit breaker of " + svc.name() + " is open: it answers again in "
                    + wait + " s").withCode("circuit_open").retryAfter(wait);
        }
        var call = new Gateway.Call(path, method, f.raw("payload"), headers, key);
        try {
            if (mode.equals("async")) {
                String id = gateway.enqueue(svc, call);
                return new Answer(true, new Gateway.Result(id, false, null, null, null, 0, 0));
            }
            return new Answer(false, gateway.send(svc, call, timeout == null ? svc.timeoutMs() : timeout));
        } catch (Gateway.InProgress e) { // a repeat that came while the first was under way
            throw inProgress(e.id());
        } catch (RenderException e) {
            throw new Problem(Problem.Kind.INVALID, "path: " + e.getMessage(), List.of(new herald.problem.FieldError("path", e.getMessage())));
        }
    }

    private static Problem inProgress(String id) {
        return new Problem(Problem.Kind.CONFLICT, "the call with this idempotency_key is not over yet: GET /api/v1/deliveries/" + id)
                .withCode("request_in_progress");
    }
}
