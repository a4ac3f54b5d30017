package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.amqp.ReplyQueues;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.delivery.DeliveryStore;
import herald.delivery.Dispatcher;
import herald.ids.Ids;
import herald.outbound.OutboundGuard;
import herald.outbound.ServiceStates;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.rendering.ServiceTemplates;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Services (the receivers): create, change, enable, rotate their signing secret, pause, delete. */
public final class ServiceUseCases {
    /**
     * A service with what Herald knows of it now: its shared state (pause, breaker) and warnings
     * about its settings (a URL the outbound guard will refuse), as {@code {field, message}}.
     */
    public record ServiceStatus(Service service, ServiceStates.State state, List<Warning> warnings, ReplyQueues.Status replies) {}

    public record Warning(String field, String message) {}

    private final Database db;
    private final ConfigStore store;
    private final ServiceStates states;
    private final DeliveryStore deliveries;
    private final Dispatcher dispatcher;
    private final OutboundGuard guard;
    private final AuditLog audit;
    private final ReplyQueues replyQueues;

    public ServiceUseCases(Database db, ConfigStore store, ServiceStates states, DeliveryStore deliveries,
                           Dispatcher dispatcher, OutboundGuard guard, AuditLog audit, ReplyQueues replyQueues) {
        this.audit = audit;
        this.replyQueues = replyQueues;
        this.db = db;
        this.store = store;
        this.states = states;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.guard = guard;
    }

    /** Newest first after {@code afterId}; {@code limit + 1} rows tell that another page exists. */
    public List<ServiceStatus> list(String afterId, int limit) {
        List<Service> rows = db.read(c -> store.services(c, afterId, limit));
        Map<String, ServiceStates.State> all = states.all();
        List<ServiceStatus> out = new ArrayList<>();
        for (Service s : rows) out.add(status(s, all));
        return out;
    }

    /** Every service's name by its id, in the order of the names (for lists that name services, and choices of one). */
    public Map<String, String> names() {
        return db.read(store::serviceNames);
    }

    public ServiceStatus get(String id) {
        return status(find(id), states.all());
    }

    /** A new service from its API document; its signing secret is generated when none is given. */
    public ServiceStatus create(Actor actor, JsonNode body) {
        Service parsed = checked(ServiceJson.parse(body, null));
        long now = System.currentTimeMillis();
        Service s = parsed.withId(Ids.newId("svc"), now, now);
        Problems.uniqueName("service", () -> db.inTransaction(c -> {
            store.insertService(c, s);
            audit.record(c, actor, "service.created", target(s), null, view(s));
            return null;
        }));
        reconcileReplyQueues();
        return get(s.id());
    }

    /** Replaces the service's settings ({@code merge}: the given fields only); secrets left out or masked are kept. */
    public ServiceStatus update(Actor actor, String id, JsonNode body, boolean merge) {
        Service current = find(id);
        if (merge) body = merged(body, ServiceJson.toJson(current, false, false));
        Service s = checked(ServiceJson.parse(body, current)).withId(current.id(), current.createdAt(), System.currentTimeMillis());
        Problems.uniqueName("service", () -> db.inTransaction(c -> {
            store.updateService(c, s);
            audit.record(c, actor, "service.updated", target(s), view(current), view(s));
            return null;
        }));
        reconcileReplyQueues();
        return get(id);
    }

    /** Deletes the service and its subscriptions; their waiting deliveries become dead letters. */
    public void delete(Actor actor, String id) {
        Service current = find(id);
        boolean deleted = db.inTransaction(c -> {
            if (!store.deleteService(c, id)) return false;
            audit.record(c, actor, "service.deleted", target(current), view(current), null);
            return true;
        });
        if (!deleted) throw Problem.notFound("service", id);
    }

    public ServiceStatus setEnabled(Actor actor, String id, boolean on) {
        Service current = find(id);
        Service s = current.withEnabled(on, System.currentTimeMillis());
        db.inTransaction(c -> {
            store.updateService(c, s);
            audit.record(c, actor, on ? "service.enabled" : "service.disabled", target(s), view(current), view(s));
            return null;
        });
        return get(id);
    }

    /**
     * A new signing secret ({@code body}: {@code secret}, generated when absent; {@code overlap_s},
     * how long the old one keeps signing). The answer is the one place the new secret is shown.
     */
    public ServiceStatus rotateSigning(Actor actor, String id, JsonNode body) {
        Service current = find(id);
        long now = System.currentTimeMillis();
        Service s = current.withSigning(ServiceJson.rotation(body, current.signing(), now), now);
        db.inTransaction(c -> {
            store.updateService(c, s);
            audit.record(c, actor, "service.signing_rotated", target(s), view(current), view(s));
            return null;
        });
        return get(id);
    }

    /** Pause holds a service's deliveries (status paused) on every node; resume lets them go. */
    public ServiceStates.State setPaused(Actor actor, String id, boolean paused) {
        Service s = find(id);
        db.inTransaction(c -> {
            states.setPaused(c, id, paused);
            deliveries.setPaused(c, id, paused);
            audit.record(c, actor, paused ? "service.paused" : "service.resumed", target(s), null, null);
            return null;
        });
        dispatcher.statesChanged();
        return states.get(id).shownAt(System.currentTimeMillis(), s.breaker());
    }

    /** Closes the service's circuit breaker now, on every node; its waiting deliveries go at once. */
    public ServiceStates.State resetBreaker(Actor actor, String id) {
        Service s = find(id);
        db.inTransaction(c -> {
            states.resetBreaker(c, id, System.currentTimeMillis());
            audit.record(c, actor, "service.breaker_reset", target(s), null, null);
            return null;
        });
        dispatcher.statesChanged();
        return states.get(id).shownAt(System.currentTimeMillis(), s.breaker());
    }

    private ServiceStatus status(Service s, Map<String, ServiceStates.State> all) {
        List<Warning> warnings = new ArrayList<>();
        // Saving is allowed (the allow list may change); every attempt fails with refused_address until it does.
        String refusal = guard.urlRefusal(s.url());
        if (refusal != null) warnings.add(new Warning("url", refusal));
        return new ServiceStatus(s, all.getOrDefault(s.id(), ServiceStates.State.fresh(s.id())).shownAt(System.currentTimeMillis(), s.breaker()),
                warnings, replyQueues.status(s));
    }

    /** Reply-queue consumers follow the change at once, in the background: a broker may take seconds to answer, or none. */
    private void reconcileReplyQueues() {
        Thread.ofVirtual().name("reply-queues-reconcile").start(() -> {
            try {
                replyQueues.reconcile();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ServiceUseCases.class).warn("amqp.reconcile_failed error={}", e.toString());
            }
        });
    }

    /** The service's own templates (routing key, SOAP envelope) compile: a 400 naming the field otherwise. */
    static Service checked(Service s) {
        FieldErrors errors = new FieldErrors();
        ServiceTemplates.check(s, errors);
        errors.throwIfAny();
        return s;
    }

    static AuditLog.Target target(Service s) {
        return new AuditLog.Target("service", s.id(), s.name());
    }

    /** The service as the API shows it, secrets masked: what the audit log keeps. */
    static ObjectNode view(Service s) {
        return ServiceJson.toJson(s, false, false);
    }

    private Service find(String id) {
        return db.read(c -> store.service(c, id)).orElseThrow(() -> Problem.notFound("service", id));
    }

    /** A PATCH body laid over the resource's current JSON: given fields replace, the rest stay. */
    static JsonNode merged(JsonNode patch, ObjectNode current) {
        if (patch == null || !patch.isObject()) throw Problem.invalid("body", "must be a JSON object");
        patch.properties().forEach(e -> current.set(e.getKey(), e.getValue()));
        return current;
    }
}
