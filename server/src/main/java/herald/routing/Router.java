package herald.routing;

import herald.event.Event;
import herald.subscription.ConfigStore;
import herald.subscription.EventSelector;
import herald.subscription.FormatRules;
import herald.subscription.Service;
import herald.subscription.Subscription;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches events to enabled subscriptions of enabled services. The table is cached and reloaded
 * inside the caller's transaction whenever {@code config_version} moved, so an event committed
 * after a subscription change (on any node) is routed by the new configuration.
 */
public final class Router {
    public record Route(Subscription subscription, EventSelector selector, Service service, FormatRules formats) {
        public boolean matches(Event e) {
            return subscription.matches(selector, e.type(), e.body())
                    && formats.renders(subscription.format(), e.type(), e.body(), subscription.privacy());
        }
    }

    /** Everything configured at one {@code config_version}, disabled parts included. */
    public record Table(long version, List<Route> routes, Map<String, Service> services,
                        Map<String, Subscription> subscriptions) {}

    private final ConfigStore store;
    private final FormatRules formats;
    private volatile Table table = new Table(-1, List.of(), Map.of(), Map.of());

    public Router(ConfigStore store, FormatRules formats) {
        this.store = store;
        this.formats = formats;
    }

    public List<Route> routes(Connection c) throws SQLException {
        return table(c).routes();
    }

    public Table table(Connection c) throws SQLException {
        long version = ConfigStore.version(c);
        Table t = table;
        if (t.version() != version) {
            t = load(c, version);
            table = t;
        }
        return t;
    }

    public List<Route> matching(List<Route> routes, Event e) {
        List<Route> out = new ArrayList<>(2);
        for (Route r : routes) if (r.matches(e)) out.add(r);
        return out;
    }

    private Table load(Connection c, long version) throws SQLException {
        Map<String, Service> services = new HashMap<>();
        for (Service s : store.services(c, null, Integer.MAX_VALUE)) services.put(s.id(), s);
        Map<String, Subscription> subscriptions = new HashMap<>();
        List<Route> routes = new ArrayList<>();
        for (Subscription sub : store.subscriptions(c, null, null, Integer.MAX_VALUE)) {
            subscriptions.put(sub.id(), sub);
            Service svc = services.get(sub.serviceId());
            if (sub.enabled() && svc != null && svc.enabled()) {
                routes.add(new Route(sub, new EventSelector(sub.events()), svc, formats));
            }
        }
        return new Table(version, List.copyOf(routes), Map.copyOf(services), Map.copyOf(subscriptions));
    }
}
