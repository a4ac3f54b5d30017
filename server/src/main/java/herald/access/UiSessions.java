package herald.access;

import herald.store.Database;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Optional;

/**
 * Sign-in sessions of the admin UI, in the database so every node knows them. The cookie holds
 * 256 random bits; only their SHA-256 is stored. Each session has its own CSRF token. A session
 * ends after {@link #IDLE_MS} without a request, or {@link #MAX_AGE_MS} after sign-in, or at sign-out.
 */
public final class UiSessions {
    public record Session(String tokenHash, String userId, String csrfToken, long expiresAt) {}

    /** A session just made: the cookie's value exists only here. */
    public record Created(String token, Session session) {}

    public static final long IDLE_MS = 8 * 3_600_000L;
    public static final long MAX_AGE_MS = 7 * 24 * 3_600_000L;
    /** A session's last use is written at most this often (not on every page view). */
    private static final long TOUCH_MS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;

    public UiSessions(Database db) {
        this.db = db;
    }

    public Created create(String userId, long now) {
        String token = random();
        Session s = new Session(ApiKeys.hash(token), userId, random(), Math.min(now + IDLE_MS, now + MAX_AGE_MS));
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ui_sessions WHERE expires_at <= ?")) {
                ps.setLong(1, now); // ended sessions are forgotten whenever a new one begins
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ui_sessions (token_hash, user_id, csrf_token,"
                    + " created_at, last_seen_at, expires_at) VALUES (?,?,?,?,?,?)")) {
                ps.setString(1, s.tokenHash());
                ps.setString(2, userId);
                ps.setString(3, s.csrfToken());
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.setLong(6, s.expiresAt());
                ps.executeUpdate();
            }
            return null;
        });
        return new Created(token, s);
    }

    /** The live session of a cookie's value, its idle time extended; empty when unknown or ended. */
    public Optional<Session> find(String token, long now) {
        if (token == null || token.isEmpty() || token.length() > 100) return Optional.empty();
        String hash = ApiKeys.hash(token);
        record Row(Session session, long createdAt, long lastSeenAt) {}
        Optional<Row> row = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, csrf_token, expires_at, created_at, last_seen_at"
                    + " FROM ui_sessions WHERE token_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Row(new Session(hash, rs.getString(1), rs.getString(2), rs.getLong(3)),
                            rs.getLong(4), rs.getLong(5))) : Optional.empty();
                }
            }
        });
        if (row.isEmpty() || row.get().session().expiresAt() <= now) return Optional.empty();
        Session s = row.get().session();
        if (now - row.get().lastSeenAt() >= TOUCH_MS) {
            long expires = Math.min(now + IDLE_MS, row.get().createdAt() + MAX_AGE_MS);
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE ui_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?")) {
                    ps.setLong(1, now);
                    ps.setLong(2, expires);
                    ps.setString(3, hash);
                    return ps.executeUpdate();
                }
            });
            s = new Session(hash, s.userId(), s.csrfToken(), expires);
        }
        return Optional.of(s);
    }

    public void delete(String tokenHash) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ui_sessions WHERE token_hash = ?")) {
                ps.setString(1, tokenHash);
                return ps.executeUpdate();
            }
        });
    }

    /** Ends every session of a user but {@code keepTokenHash} (after a password change, the others go). */
    public void deleteForUser(String userId, String keepTokenHash) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ui_sessions WHERE user_id = ? AND token_hash <> ?")) {
                ps.setString(1, userId);
                ps.setString(2, keepTokenHash == null ? "" : keepTokenHash);
                return ps.executeUpdate();
            }
        });
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
