package herald.delivery;

import herald.outbound.ServiceStates;
import herald.routing.Router;
import herald.subscription.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One ingest commit's deliveries handed straight to this dispatcher (see {@link Dispatcher#handoff}). */
final class Handoff {
    private static final Logger log = LoggerFactory.getLogger(Handoff.class);
    private final Dispatcher dispatcher;
    private final Router.Table table;
    private final long leaseUntil;
    private final Map<String, ServiceStates.State> states;
    private final List<Delivery> taken = new ArrayList<>();
    private final Map<String, String> bodies = new HashMap<>();

    Handoff(Dispatcher dispatcher, Router.Table table, Map<String, ServiceStates.State> states, long leaseUntil) {
        this.dispatcher = dispatcher;
        this.table = table;
        this.states = states;
        this.leaseUntil = leaseUntil;
    }

    /**
     * Whether this node sends the delivery itself; if so it must be stored as {@code delivering}
     * until {@link #leaseUntil()}. Services that something holds back (paused, breaker, limits,
     * slow sends) are left to claims.
     */
    boolean take(Delivery d, Service svc, String eventBody) {
        if (!mayTake(svc.id()) || !dispatcher.tryRoom()) return false;
        if (!dispatcher.budget().tryHold(BodyBudget.size(eventBody))) {
            dispatcher.releaseRoom(1);
            return false;
        }
        taken.add(d);
        bodies.putIfAbsent(d.eventId(), eventBody);
        return true;
    }

    /** Whether deliveries of the service may be handed off: nothing holds it back (pause, breaker, limits, slow sends). */
    boolean mayTake(String serviceId) {
        Service svc = table.services().get(serviceId);
        if (svc == null || !svc.enabled()) return false;
        ServiceStates.State st = states.get(svc.id());
        if (st != null && (st.paused() || st.blocksCalls())) return false;
        return svc.maxConcurrency() == null && svc.rateLimitPerS() == null && dispatcher.slowSends(svc.id()) == 0;
    }

    /**
     * Takes the next delivery of a key (of a service it {@link #mayTake}, already stored as
     * {@code delivering}), in the room {@code inherited} gives (of a delivery that ended) or
     * else in free room; false when there is none. Its event is read once the commit is done.
     */
    boolean takeNext(Delivery d, java.util.function.BooleanSupplier inherited) {
        if (!inherited.getAsBoolean() && !dispatcher.tryRoom()) return false;
        taken.add(d);
        return true;
    }

    long leaseUntil() {
        return leaseUntil;
    }

    /** The commit is done: send them. */
    void committed() {
        List<Delivery> unread = taken.stream().filter(d -> !bodies.containsKey(d.eventId())).toList();
        if (!unread.isEmpty()) {
            Gateway.Read read;
            try {
                read = dispatcher.gateway().bodies(unread, 0, dispatcher.budget());
            } catch (RuntimeException e) {
                log.warn("dispatcher.handoff_unread deliveries={} error={}", unread.size(), e.toString());
                abandoned();
                return;
            }
            bodies.putAll(read.bodies());
            taken.removeAll(read.unread()); // over the body budget: left to claims
            dispatcher.releaseRoom(read.unread().size());
            read.unread().forEach(dispatcher.store()::releaseLater);
        }
        dispatcher.sendHandedOff(taken, bodies, table);
        taken.clear();
    }

    /**
     * The commit failed: their room goes back. A commit cut off mid-way (the database gone before
     * it answered) may still have stored them: they are released once the database answers.
     */
    void abandoned() {
        dispatcher.releaseRoom(taken.size());
        taken.forEach(d -> dispatcher.budget().release(BodyBudget.size(bodies.get(d.eventId()))));
        taken.forEach(dispatcher.store()::releaseLater);
        taken.clear();
    }
}

