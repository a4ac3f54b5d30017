package herald.delivery;

import herald.event.Event;
import herald.ids.Ids;
import herald.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where new events become deliveries: ingest opens a {@link Batch} in the transaction that stores
 * its events, adds each event's matching routes, and tells the batch whether the commit held. A
 * delivery this node can send at once is stored already claimed and sent as soon as the commit is
 * done (a hand-off: no claim needed); the others are stored pending and the dispatchers are woken.
 */
public final class DeliveryIntake {
    private final Dispatcher dispatcher;
    private final DeliveryStore store;

    public DeliveryIntake(Dispatcher dispatcher, DeliveryStore store) {
        this.dispatcher = dispatcher;
        this.store = store;
    }

    /** A batch for one commit that routes by {@code table}, at {@code now}. */
    public Batch open(Router.Table table, long now) {
        return new Batch(table, now);
    }

    /** The value at the subscription's ordering key in the event, as text; null when it orders by none or the event has none there. */
    static String orderingKey(herald.subscription.Subscription sub, Event event) {
        if (sub.orderingKey() == null) return null;
        com.fasterxml.jackson.databind.JsonNode v = herald.json.JsonPaths.get(event.body(), sub.orderingKey());
        if (v == null || v.isNull() || v.isContainerNode()) return null;
        String text = v.asText().replace("\u0000", ""); // PostgreSQL text holds no NUL
        return text.length() > 255 ? text.substring(0, 255) : text;
    }

    private record Ordered(int index, Router.Route route, String body) {}

    /** The deliveries of one ingest commit. */
    public final class Batch {
        private final Router.Table table;
        private final long now;
        private final List<Delivery> deliveries = new ArrayList<>();
        /** The ordering key of each delivery whose subscription orders by one, by delivery id. */
        private final Map<String, String> keys = new HashMap<>();
        /** Ordered deliveries whose fate waits for {@link #orderByKeys}: their place in {@link #deliveries}. */
        private final List<Ordered> ordered = new ArrayList<>();
        private Dispatcher.Handoff handoff;
        private boolean handoffAsked;
        private int pending;

        private Batch(Router.Table table, long now) {
            this.table = table;
            this.now = now;
        }

        /**
         * A delivery of {@code event} (stored as {@code body}) along {@code route}; none when the
         * subscription's dedupe window holds an alike event already.
         */
        public void add(Connection c, Event event, String body, Router.Route route) throws SQLException {
            int window = route.subscription().dedupeWindowS();
            if (window > 0 && !Dedupe.admit(c, route.subscription().id(), window, event, now)) return;
            if (!handoffAsked) { // asked once per commit, and only when something matched: it reads the switch
                handoff = dispatcher.handoff(c, table, now);
                handoffAsked = true;
            }
            // Stored already claimed when this node's dispatcher takes it (sent once committed), else pending.
            Delivery d = new Delivery(Ids.newId("msg"), event.id(), route.subscription().id(), route.service().id(),
                    "delivering", 0, now, null, now, now);
            String key = orderingKey(route.subscription(), event);
            if (key != null) {
                keys.put(d.id(), key);
                // Decided when the batch is stored, once for all its keys (with one writer; see OrderingKeys).
                if (store.ordersAtIngest()) {
                    ordered.add(new Ordered(deliveries.size(), route, body));
                    deliveries.add(d.withStatus("pending"));
                    return;
                }
            }
            // Else an ordered delivery is stored pending: only a claim knows whether an earlier one of its key waits.
            if (key != null || handoff == null || !handoff.take(d, route.service(), body)) {
                d = d.withStatus("pending");
                pending++;
            }
            deliveries.add(d);
        }

        /** Writes the batch's deliveries in the commit's transaction. */
        public void store(Connection c) throws SQLException {
            if (!ordered.isEmpty()) orderByKeys(c);
            store.insertNew(c, deliveries, handoff == null ? null : handoff.leaseUntil(), keys);
        }

        /**
         * Each ordered delivery whose key is busy (an earlier one waiting or being sent, stored or in
         * this batch) waits held; the first of an idle key is handed off like any other, or is due.
         */
        private void orderByKeys(Connection c) throws SQLException {
            Map<String, Set<String>> keysOf = new HashMap<>();
            for (Ordered o : ordered) {
                keysOf.computeIfAbsent(o.route().subscription().id(), s -> new HashSet<>())
                        .add(keys.get(deliveries.get(o.index()).id()));
            }
            Set<String> busy = new HashSet<>();
            for (var e : keysOf.entrySet()) {
                for (String key : OrderingKeys.busy(c, e.getKey(), e.getValue())) busy.add(e.getKey() + '\u0000' + key);
            }
            for (Ordered o : ordered) {
                Delivery d = deliveries.get(o.index());
                if (!busy.add(d.subscriptionId() + '\u0000' + keys.get(d.id()))) {
                    deliveries.set(o.index(), d.pendingUntil(now + OrderingKeys.HELD_MS));
                } else if (handoff != null && handoff.take(d, o.route().service(), o.body())) {
                    deliveries.set(o.index(), d.withStatus("delivering"));
                } else {
                    pending++;
                }
            }
        }

        /** The commit is done: hand-offs are sent, and dispatchers woken for the pending ones. */
        public void committed() {
            if (handoff != null) handoff.committed();
            // Waking the dispatchers costs each a claim query: only when there is something to claim.
            if (pending > 0) dispatcher.wake();
        }

        /** The commit failed and stored nothing: what the hand-off took goes back. */
        public void abandoned() {
            if (handoff != null) handoff.abandoned();
        }
    }
}
