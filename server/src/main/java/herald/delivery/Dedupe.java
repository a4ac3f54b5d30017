package herald.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import herald.event.Event;
import herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * A subscription's dedupe window (Integration Hub's: 60 s): events alike within it make one
 * delivery. Moodle events are alike when their eventname, objectid, userid, relateduserid and crud
 * are; generic events when their type and data are. The first event opens the window; alike ones
 * inside it are stored but not delivered; the next after it opens a new window. Checked in the
 * transaction that stores the events, so two nodes agree.
 */
final class Dedupe {
    private static final String[] MOODLE_KEY = {"eventname", "objectid", "userid", "relateduserid", "crud"};

    private Dedupe() {}

    /** Whether {@code event} opens a window for {@code subscriptionId} (so it is delivered); records the window if so. */
    static boolean admit(Connection c, String subscriptionId, int windowS, Event event, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dedupe_keys (subscription_id, dedupe_key, until)"
                + " VALUES (?,?,?) ON CONFLICT (subscription_id, dedupe_key) DO UPDATE SET until = excluded.until"
                + " WHERE dedupe_keys.until <= ? RETURNING until")) {
            ps.setString(1, subscriptionId);
            ps.setString(2, key(event));
            ps.setLong(3, now + windowS * 1000L);
            ps.setLong(4, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static String key(Event event) {
        StringBuilder k = new StringBuilder();
        if (event.kind() == Event.Kind.MOODLE) {
            for (String f : MOODLE_KEY) {
                JsonNode v = event.body().get(f);
                // 5 and "5" are the same id: Moodle writes both
                k.append(v == null || v.isNull() ? "" : v.asText()).append('\u0000');
            }
        } else {
            k.append(event.type()).append('\u0000').append(Json.write(event.body().path("data")));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets windows that ended before {@code now} (hourly, with retention: they are few). */
    static int prune(Connection c, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dedupe_keys WHERE until <= ?")) {
            ps.setLong(1, now);
            return ps.executeUpdate();
        }
    }
}
