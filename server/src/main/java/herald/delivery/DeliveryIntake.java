package herald.delivery;

import herald.event.Event;
import herald.ids.Ids;
import herald.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private record Ordered(int index, Router.Route route, String body, String key) {}

    /** The deliveries of one ingest commit. */
    public final class Batch {
        private final Router.Table table;
        private final long now;
        private final List<Delivery> deliveries = new ArrayList<>();
        /** Ordered deliveries, whose fate waits for {@link #placeInLines}: their place in {@link #deliveries}. */
        private final List<Ordered> ordered = new ArrayList<>();
        private Handoff handoff;
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
                // Its place in its key's line is decided when the batch is stored, once for all its keys.
                ordered.add(new Ordered(deliveries.size(), route, body, key));
                deliveries.add(d.withStatus("pending"));
                return;
            }
            if (handoff == null || !handoff.take(d, route.service(), body)) {
                d = d.withStatus("pending");
                pending++;
            }
            deliveries.add(d);
        }

        /** Writes the batch's deliveries in the commit's transaction. */
        public void store(Connection c) throws SQLException {
            Map<String, DeliveryStore.Line> lines = ordered.isEmpty() ? Map.of() : new HashMap<>();
            if (!ordered.isEmpty()) {
                Map<String, OrderingKeys.Place> places = placeInLines(c);
                for (Ordered o : ordered) {
                    String id = deliveries.get(o.index()).id();
                    lines.put(id, new DeliveryStore.Line(o.key(), places.get(id).prevId()));
                }
            }
            store.insertNew(c, deliveries, handoff == null ? null : handoff.leaseUntil(), lines);
        }

        /**
         * Appends the ordered deliveries to their keys' lines. One behind a busy key (an earlier one
         * waiting or being sent, stored or in this batch) waits held until its key moves on, and the
         * first of an idle key is handed off like any other, or is due. With several writers the
         * keys' tails stay locked until this commits, and an outcome that ends a key's last
         * delivery locks its tail before it looks for the next one (see {@link OrderingKeys#lockLines}),
         * so an outcome committed meanwhile does not leave a held one waiting.
         */
        private Map<String, OrderingKeys.Place> placeInLines(Connection c) throws SQLException {
            List<OrderingKeys.Member> members = new ArrayList<>(ordered.size());
            for (Ordered o : ordered) {
                Delivery d = deliveries.get(o.index());
                members.add(new OrderingKeys.Member(d.subscriptionId(), o.key(), d.id()));
            }
            Map<String, OrderingKeys.Place> places = OrderingKeys.append(c, store.dialect(), members);
            for (Ordered o : ordered) {
                Delivery d = deliveries.get(o.index());
                if (places.get(d.id()).behindBusy()) {
                    deliveries.set(o.index(), d.pendingUntil(now + OrderingKeys.HELD_MS));
                } else if (handoff != null && handoff.take(d, o.route().service(), o.body())) {
                    deliveries.set(o.index(), d.withStatus("delivering"));
                } else {
                    pending++;
                }
            }
            return places;
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
