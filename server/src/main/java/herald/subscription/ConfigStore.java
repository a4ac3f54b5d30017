package herald.subscription;

import herald.event.Json;
import herald.security.SecretBox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Services and subscriptions in Herald's database. Methods take the caller's connection so that
 * several changes (a restore, say) commit together. Every change bumps {@code config_version},
 * which routing checks to know its cached table is stale, on this node or another.
 */
public final class ConfigStore {
    private final SecretBox secrets;

    public ConfigStore(SecretBox secrets) {
        this.secrets = secrets;
    }

    // --- services

    public List<Service> services(Connection c, String afterId, int limit) throws SQLException {
        String sql = "SELECT id, secrets, created_at, updated_at FROM services"
                + (afterId == null ? "" : " WHERE id < ?") + " ORDER BY id DESC LIMIT ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (afterId != null) ps.setString(i++, afterId);
            ps.setInt(i, limit);
            return services(ps);
        }
    }

    public Optional<Service> service(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, secrets, created_at, updated_at FROM services WHERE id = ?")) {
            ps.setString(1, id);
            return services(ps).stream().findFirst();
        }
    }

    public Optional<Service> serviceByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, secrets, created_at, updated_at FROM services WHERE name = ?")) {
            ps.setString(1, name);
            return services(ps).stream().findFirst();
        }
    }

    private List<Service> services(PreparedStatement ps) throws SQLException {
        List<Service> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // The full document, secrets included, is stored encrypted; the parser is the one way in.
                Service s = ServiceJson.parse(Json.read(secrets.decrypt(rs.getString(2))), null);
                out.add(s.withId(rs.getString(1), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    public void insertService(Connection c, Service s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO services (id, name, enabled, spec, secrets, created_at, updated_at) VALUES (?,?,?,?,?,?,?)")) {
            ps.setString(1, s.id());
            ps.setString(2, s.name());
            ps.setBoolean(3, s.enabled());
            ps.setString(4, Json.write(ServiceJson.toJson(s, false, false)));
            ps.setString(5, secrets.encrypt(Json.write(ServiceJson.toJson(s, true, true))));
            ps.setLong(6, s.createdAt());
            ps.setLong(7, s.updatedAt());
            ps.executeUpdate();
        }
        bumpVersion(c);
    }

    public boolean updateService(Connection c, Service s) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE services SET name = ?, enabled = ?, spec = ?, secrets = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, s.name());
            ps.setBoolean(2, s.enabled());
            ps.setString(3, Json.write(ServiceJson.toJson(s, false, false)));
            ps.setString(4, secrets.encrypt(Json.write(ServiceJson.toJson(s, true, true))));
            ps.setLong(5, s.updatedAt());
            ps.setString(6, s.id());
            n = ps.executeUpdate();
        }
        bumpVersion(c);
        return n > 0;
    }

    /** Deletes a service with its subscriptions; their undelivered deliveries become dead, with the reason. */
    /**
     * Gives every listed service a placeholder name that no service can have, so that a restore can
     * then hand names around (A takes B's name and B takes A's) without a unique-name violation.
     */
    public void releaseNames(Connection c, java.util.Collection<String> serviceIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE services SET name = ? WHERE id = ?")) {
            for (String id : serviceIds) {
                ps.setString(1, "~released:" + id); // valid names cannot start with ~ or hold :
                ps.setString(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public boolean deleteService(Connection c, String id) throws SQLException {
        for (Subscription s : subscriptionsOf(c, id)) deleteSubscription(c, s.id());
        int n = update(c, "DELETE FROM services WHERE id = ?", id);
        bumpVersion(c);
        return n > 0;
    }

    // --- subscriptions

    public List<Subscription> subscriptions(Connection c, String serviceId, String afterId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, spec, created_at, updated_at FROM subscriptions WHERE 1=1");
        if (serviceId != null) sql.append(" AND service_id = ?");
        if (afterId != null) sql.append(" AND id < ?");
        sql.append(" ORDER BY id DESC LIMIT ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (serviceId != null) ps.setString(i++, serviceId);
            if (afterId != null) ps.setString(i++, afterId);
            ps.setInt(i, limit);
            return subscriptions(ps);
        }
    }

    public List<Subscription> subscriptionsOf(Connection c, String serviceId) throws SQLException {
        return subscriptions(c, serviceId, null, Integer.MAX_VALUE);
    }

    public Optional<Subscription> subscription(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, spec, created_at, updated_at FROM subscriptions WHERE id = ?")) {
            ps.setString(1, id);
            return subscriptions(ps).stream().findFirst();
        }
    }

    private static List<Subscription> subscriptions(PreparedStatement ps) throws SQLException {
        List<Subscription> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Subscription s = SubscriptionJson.parse(Json.read(rs.getString(2)), null);
                out.add(s.withId(rs.getString(1), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    public void insertSubscription(Connection c, Subscription s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO subscriptions (id, service_id, enabled, spec, created_at, updated_at) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, s.id());
            ps.setString(2, s.serviceId());
            ps.setBoolean(3, s.enabled());
            ps.setString(4, Json.write(SubscriptionJson.toJson(s)));
            ps.setLong(5, s.createdAt());
            ps.setLong(6, s.updatedAt());
            ps.executeUpdate();
        }
        bumpVersion(c);
    }

    public boolean updateSubscription(Connection c, Subscription s) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE subscriptions SET service_id = ?, enabled = ?, spec = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, s.serviceId());
            ps.setBoolean(2, s.enabled());
            ps.setString(3, Json.write(SubscriptionJson.toJson(s)));
            ps.setLong(4, s.updatedAt());
            ps.setString(5, s.id());
            n = ps.executeUpdate();
        }
        bumpVersion(c);
        return n > 0;
    }

    public boolean deleteSubscription(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE deliveries SET status = 'dead', last_error = 'subscription deleted', lease_until = NULL, updated_at = ?"
                        + " WHERE subscription_id = ? AND status IN ('pending', 'retrying', 'delivering', 'paused')")) {
            ps.setLong(1, System.currentTimeMillis());
            ps.setString(2, id);
            ps.executeUpdate();
        }
        int n = update(c, "DELETE FROM subscriptions WHERE id = ?", id);
        bumpVersion(c);
        return n > 0;
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

    private static int update(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            return ps.executeUpdate();
        }
    }
}
