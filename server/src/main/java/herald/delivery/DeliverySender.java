package herald.delivery;

import herald.ids.Ids;
import herald.json.Json;
import herald.outbound.OutboundCall;
import herald.outbound.SecretMask;
import herald.outbound.ServiceStates;
import herald.rendering.RenderException;
import herald.rendering.Rendered;
import herald.rendering.Renderer;
import herald.routing.Router;
import herald.store.Database;
import herald.store.StoreException;
import herald.subscription.ConfigStore;
import herald.subscription.RetryPolicy;
import herald.subscription.Service;
import herald.subscription.Subscription;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one claimed delivery and records what came of it: renders the request, makes the call
 * through {@link OutboundCall}, counts the result against the service's breaker, decides the
 * delivery's next state ({@link OutcomeRules}) and records it with the attempt. Which deliveries to
 * send and when is the {@link Dispatcher}'s.
 */
final class DeliverySender {
    private static final Logger log = LoggerFactory.getLogger(DeliverySender.class);

    /** What the sender tells the dispatcher and asks of it. */
    interface Dispatch {
        /** The service's state as this node last read it (null: running, breaker closed). */
        ServiceStates.State lastState(String serviceId);

        /** A breaker changed here: read the states again before the next claim. */
        void statesChanged();

        /** A probe ended or a limited service has room again: claim now rather than at the next poll. */
        void wakeLocal();

        /** Who hears of the services' health (operational events). */
        ServiceSignals signals();
    }

    /**
     * A delivery's place among the sends in flight (see {@link Dispatcher}): taken before the call,
     * given back once the exchange is over; false when its service may not start one more now.
     */
    interface Slot {
        boolean acquire() throws InterruptedException;

        void exchangeOver();

        /**
         * Gives this delivery's room in the dispatcher to the next delivery of its key, sent straight
         * after this outcome is recorded; false when it holds none (a slow send gave it back).
         */
        boolean handOverRoom();
    }

    private final Database db;
    private final DeliveryStore store;
    private final FinishWriter finishes;
    private final ConfigStore configs;
    private final ServiceStates states;
    private final Renderer renderer;
    private final OutboundCall outbound;
    private final DeliveryMetrics meters;
    private final Dispatch dispatch;
    private final DeliveryStats stats;
    private final Map<String, Masked> masks = new ConcurrentHashMap<>();

    DeliverySender(Database db, DeliveryStore store, FinishWriter finishes, ConfigStore configs, ServiceStates states,
                   Renderer renderer, OutboundCall outbound, DeliveryMetrics meters, DeliveryStats stats, Dispatch dispatch) {
        this.stats = stats;
        this.db = db;
        this.store = store;
        this.finishes = finishes;
        this.configs = configs;
        this.states = states;
        this.renderer = renderer;
        this.outbound = outbound;
        this.meters = meters;
        this.dispatch = dispatch;
    }

    /**
     * {@link #send}, and what a failure leaves behind: a delivery stopped by a database failure (its
     * disk full, say) is released once the database writes again, rather than when its lease ends.
     */
    void sendOrRelease(Delivery d, String eventBody, Router.Table table, boolean probe, Slot slot) {
        try {
            send(d, eventBody, table, probe, slot);
        } catch (StoreException e) {
            log.warn("delivery.interrupted id={} error={}", d.id(), e.toString());
            store.releaseLater(d);
        } catch (RuntimeException e) {
            log.error("delivery.crashed id={} error={}", d.id(), e.toString(), e);
        }
    }

    /** A delivery that no attempt can send (it cannot be rendered or its request built): dead, with why, no attempt spent. */
    private void unsendable(Delivery d, Service svc, long at, String why) {
        var dead = new OutcomeRules.Dead(why);
        store.finish(d, "dead", at, dead.error(), null);
        meters.outcome(dead);
        stats.record(svc.id(), DeliveryStats.Outcome.DEAD, -1, at);
    }

    void send(Delivery d, String eventBody, Router.Table table, boolean probe, Slot slot) {
        try {
            if (!slot.acquire()) {
                // Its service has all the slow sends it may have: it waits, attempt not spent. Given back
                // with the others in the dispatcher's next turn, one transaction for all: a claim made
                // before the service's sends turned slow can hold hundreds of them.
                store.releaseLater(d);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.release(d); // stopping before the send: the next claim takes it, attempt not spent
            return;
        }
        Service svc = table.services().get(d.serviceId());
        boolean gateway = Gateway.isGateway(d); // a gateway call: no event, no subscription, its own request
        Subscription sub = gateway ? null : table.subscriptions().get(d.subscriptionId());
        long start = System.currentTimeMillis();
        if (svc == null || (sub == null && !gateway) || eventBody == null) {
            store.finish(d, "dead", start, svc == null ? "service deleted" : sub == null && !gateway ? "subscription deleted"
                    : gateway ? "request missing" : "event missing", null);
            return;
        }
        ServiceStates.State st = dispatch.lastState(svc.id());
        if (!probe && st != null && (st.blocksCalls() || st.paused())) {
            store.release(d); // claimed just before the breaker opened or the pause: wait, attempt not spent
            return;
        }
        OutboundCall.Request request;
        Service sending = svc;
        try {
            if (gateway) {
                var doc = Json.read(eventBody);
                request = Gateway.request(svc, doc, d.id());
                sending = svc.withExtraHeaders(Gateway.headers(doc));
            } else {
                Rendered rendered = renderer.render(d.eventId(), eventBody, svc, sub);
                if (!rendered.headers().isEmpty()) sending = svc.withExtraHeaders(rendered.headers());
                request = new OutboundCall.Request(rendered.method(), rendered.url(), rendered.contentType(), rendered.body(), d.id(),
                        rendered.routingKey());
            }
        } catch (RenderException e) {
            unsendable(d, svc, start, "render: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A fault of Herald's own in rendering (it touches no database): the same one every time,
            // so the delivery is dead with the reason rather than left to be claimed and crash again
            // at every lease's end.
            log.error("delivery.render_failed id={} service={} error={}", d.id(), svc.name(), e.toString(), e);
            unsendable(d, svc, start, "render: Herald could not render it (" + e + ")");
            return;
        }
        OutboundCall.Response r;
        try {
            r = outbound.send(sending, request);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The request could not even be built (a URL or header the client refuses): it never
            // will be, so the delivery is dead with the reason rather than claimed again and again.
            unsendable(d, svc, start, "request: " + e.getMessage());
            log.warn("delivery.unsendable id={} service={} error={}", d.id(), svc.name(), e.toString());
            return;
        } finally {
            slot.exchangeOver();
        }
        // What is kept of the exchange never holds the service's secrets (a moodle payload carries its token).
        SecretMask secrets = mask(svc);
        Attempt attempt = new Attempt(Ids.newId("att"), d.id(), r.startedAt(), r.durationMs(), r.status(), r.errorKind(),
                secrets.maskAnswer(r.error()), secrets.mask(Json.writeStrings(r.sentHeaders())), secrets.maskAnswer(r.responseHeaders()),
                Attempt.excerpt(r.excerpt(), secrets), request.method(), secrets.mask(request.url()),
                Attempt.kept(request.body(), secrets));
        meters.attempt(svc.name(), r.durationMs());
        RetryPolicy policy = sub != null && sub.retry() != null ? sub.retry() : svc.retry();
        long now = System.currentTimeMillis();
        var decision = OutcomeRules.decide(r.succeeded(), r.status(), attempt.error(), r.retryAfter(), policy, d.attempts() + 1, now,
                ThreadLocalRandom.current().nextDouble());
        trackBreaker(svc, d.id(), r.status(), probe, now); // first, so the breaker is open before the retry is due
        dispatch.signals().attempted(svc, !(decision instanceof OutcomeRules.Delivered), attempt.error() != null ? attempt.error()
                : r.status() != null ? "HTTP " + r.status() : null, now);
        boolean ordered = sub != null && sub.orderingKey() != null;
        Slot passing = ordered ? slot : null; // its room may go on to the next delivery of the key
        switch (decision) {
            case OutcomeRules.Delivered x -> finishes.finish(d, "delivered", start, null, attempt, passing);
            case OutcomeRules.RetryAt retry -> finishes.finish(d, "retrying", retry.at(), retry.error(), attempt, passing);
            case OutcomeRules.Dead dead -> finishes.finish(d, "dead", now, dead.error(), attempt, passing);
            case OutcomeRules.Gone gone -> {
                if (gateway) finishes.finish(d, "dead", now, gone.error(), attempt, passing);
                else disableSubscription(d, svc, sub, gone.error(), attempt);
            }
        }
        meters.outcome(decision);
        stats.record(svc.id(), switch (decision) {
            case OutcomeRules.Delivered x -> DeliveryStats.Outcome.DELIVERED;
            case OutcomeRules.RetryAt x -> DeliveryStats.Outcome.FAILED;
            case OutcomeRules.Dead x -> DeliveryStats.Outcome.DEAD;
            case OutcomeRules.Gone x -> DeliveryStats.Outcome.DEAD;
        }, r.durationMs(), now);
        log.info("delivery.attempted id={} event={} service={} status={} duration_ms={} error={} detail={} probe={}", d.id(),
                d.eventId(), svc.name(), r.status(), r.durationMs(), r.errorKind(), attempt.error(), probe);
        if (probe || svc.maxConcurrency() != null) dispatch.wakeLocal(); // a limited service has room again
    }

    /** The service's mask, built once for each version of its settings (the router's table holds one instance each). */
    private SecretMask mask(Service svc) {
        Masked m = masks.get(svc.id());
        if (m == null || m.service() != svc) {
            m = new Masked(svc, SecretMask.of(svc));
            masks.put(svc.id(), m);
        }
        return m.mask();
    }

    private record Masked(Service service, SecretMask mask) {}

    /** 410 Gone: the delivery is dead, the subscription disabled with the reason, its waiting deliveries dead too. */
    private void disableSubscription(Delivery d, Service svc, Subscription sub, String reason, Attempt attempt) {
        long now = System.currentTimeMillis();
        db.inTransaction(c -> {
            if (!store.finish(c, d, "dead", now, reason, attempt)) return null;
            var current = configs.subscription(c, sub.id());
            if (current.isPresent() && current.get().enabled()) {
                configs.updateSubscription(c, current.get().disabledBecause(reason, now)); // bumps config_version
            }
            store.killWaiting(c, sub.id(), reason);
            return null;
        });
        log.warn("subscription.disabled id={} delivery={} reason={}", sub.id(), d.id(), reason);
        dispatch.signals().subscriptionDisabled(svc, sub, reason, now);
    }

    /** Counts failures against the service's breaker; a probe's result closes or reopens it. */
    private void trackBreaker(Service svc, String deliveryId, Integer status, boolean probe, long now) {
        boolean failed = OutcomeRules.isServiceFailure(status);
        if (probe) {
            if (failed) states.probeFailed(svc.id(), svc.breaker(), now);
            else if (states.probeSucceeded(svc.id(), now)) dispatch.signals().breakerClosed(svc, now);
            dispatch.statesChanged();
        } else if (failed && states.recordFailure(svc.id(), svc.breaker(), now, deliveryId)) {
            dispatch.statesChanged();
            log.warn("breaker.opened service={} cooldown_s={}", svc.name(), svc.breaker().cooldownS());
            dispatch.signals().breakerOpened(svc, now + svc.breaker().cooldownS() * 1000L, now);
        }
    }
}
