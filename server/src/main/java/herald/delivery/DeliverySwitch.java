package herald.delivery;

import herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The global delivery switch, kept in the database so every node obeys the same one. */
public final class DeliverySwitch {
    private final Database db;

    public DeliverySwitch(Database db) {
        this.db = db;
    }

    public boolean deliveriesEnabled() {
        return db.read(DeliverySwitch::deliveriesEnabled);
    }

    /** The switch as the caller's transaction sees it. */
    public static boolean deliveriesEnabled(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE name = 'deliveries_enabled'");
             ResultSet rs = ps.executeQuery()) {
            return !rs.next() || Boolean.parseBoolean(rs.getString(1));
        }
    }

    /** Sets the switch inside the caller's transaction (a restore). */
    public static void set(Connection c, boolean on) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE settings SET value = ? WHERE name = 'deliveries_enabled'")) {
            ps.setString(1, Boolean.toString(on));
            ps.executeUpdate();
        }
    }
}
