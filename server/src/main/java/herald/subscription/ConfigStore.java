package herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import herald.crypto.SecretBox;
import herald.store.DocumentTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Services and subscriptions in Herald's database. Methods take the caller's connection so that
 * several changes (a restore, say) commit together. Every change bumps {@code config_version},
 * which routing checks to know its cached table is stale, on this node or another. A service's
 * document holds its secrets, so it is sealed; a subscription's is not.
 */
public final class ConfigStore {
    private final DocumentTable<Service> services;
    private final DocumentTable<Subscription> subscriptions;

    public ConfigStore(SecretBox secrets, FormatRules formats) {
        this.services = new DocumentTable<>("services", List.of(
                new DocumentTable.Column<>("name", Service::name),
                new DocumentTable.Column<>("enabled", Service::enabled)), new DocumentTable.Codec<>() {
            @Override public JsonNode full(Service s) { return ServiceJson.toJson(s, true, true); }
            @Override public JsonNode masked(Service s) { return ServiceJson.toJson(s, false, false); }
            @Override public Service read(JsonNode doc, String id, long created, long updated) {
                // The full document is parsed as the API's input is: the parser is the one way in.
                return ServiceJson.parse(doc, null).withId(id, created, updated);
            }
        }, secrets);
        this.subscriptions = new DocumentTable<>("subscriptions", List.of(
                new DocumentTable.Column<>("service_id", Subscription::serviceId),
                new DocumentTable.Column<>("enabled", Subscription::enabled)), new DocumentTable.Codec<>() {
            @Override public JsonNode full(Subscription s) { return SubscriptionJson.toJson(s); }
            @Override public JsonNode masked(Subscription s) { return SubscriptionJson.toJson(s); }
            @Override public Subscription read(JsonNode doc, String id, long created, long updated) {
                return SubscriptionJson.parse(doc, null, formats).withId(id, created, updated);
            }
        }, null);
    }

    // --- services

    public List<Service> services(Connection c, String afterId, int limit) throws SQLException {
        return services.list(c, null, null, afterId, limit);
    }

    /** Every service's name by its id, in the order of the names. */
    public java.util.Map<String, String> serviceNames(Connection c) throws SQLException {
        return services.column(c, "name");
    }

    public List<Service> allServices(Connection c) throws SQLException {
        return services.all(c);
    }

    public Optional<Service> service(Connection c, String id) throws SQLException {
        return services.get(c, id);
    }

    public Optional<Service> serviceByName(Connection c, String name) throws SQLException {
        return services.findBy(c, "name", name);
    }

    public void insertService(Connection c, Service s) throws SQLException {
        services.insert(c, s);
        bumpVersion(c);
    }

    public boolean updateService(Connection c, Service s) throws SQLException {
        boolean found = services.update(c, s);
        bumpVersion(c);
        return found;
    }

    /** Placeholder names for these services, so that a restore can hand names around (see {@link DocumentTable#releaseNames}). */
    public void releaseNames(Connection c, Collection<String> serviceIds) throws SQLException {
        services.releaseNames(c, serviceIds);
    }

    /** Deletes a service with its subscriptions; their undelivered deliveries become dead, with the reason. */
    public boolean deleteService(Connection c, String id) throws SQLException {
        for (Subscription s : subscriptionsOf(c, id)) deleteSubscription(c, s.id());
        boolean found = services.delete(c, id);
        bumpVersion(c);
        return found;
    }

    // --- subscriptions

    public List<Subscription> subscriptions(Connection c, String serviceId, String afterId, int limit) throws SQLException {
        return subscriptions.list(c, serviceId == null ? null : "service_id", serviceId, afterId, limit);
    }

    public List<Subscription> allSubscriptions(Connection c) throws SQLException {
        return subscriptions.all(c);
    }

    public List<Subscription> subscriptionsOf(Connection c, String serviceId) throws SQLException {
        return subscriptions(c, serviceId, null, Integer.MAX_VALUE);
    }

    public Optional<Subscription> subscription(Connection c, String id) throws SQLException {
        return subscriptions.get(c, id);
    }

    public void insertSubscription(Connection c, Subscription s) throws SQLException {
        subscriptions.insert(c, s);
        bumpVersion(c);
    }

    public boolean updateSubscription(Connection c, Subscription s) throws SQLException {
        boolean found = subscriptions.update(c, s);
        bumpVersion(c);
        return found;
    }

    /** Deletes a subscription; its deliveries not yet delivered become dead with the reason. */
    public boolean deleteSubscription(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE deliveries SET status = 'dead', last_error = 'subscription deleted', lease_until = NULL, updated_at = ?"
                        + " WHERE subscription_id = ? AND status IN ('pending', 'retrying', 'delivering', 'paused')")) {
            ps.setLong(1, System.currentTimeMillis());
            ps.setString(2, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ordering_tails WHERE subscription_id = ?")) {
            ps.setString(1, id); // its ordering keys' lines (the last delivery of each key)
            ps.executeUpdate();
        }
        boolean found = subscriptions.delete(c, id);
        bumpVersion(c);
        return found;
    }

    // --- the version routing watches

    public static long version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE name = 'config_version'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
        }
    }

    private static void bumpVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE name = 'config_version'")) {
            ps.executeUpdate();
        }
    }
}
