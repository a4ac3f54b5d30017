package herald.access;

import herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The admin UI's users: a name, a role and an Argon2id password hash. Signing in counts failures:
 * after {@link #MAX_FAILURES} in a row the user is locked for {@link #LOCK_MS}, on every node (the
 * count is in the database).
 */
public final class Users {
    public record User(String id, String username, Role role, boolean mustChangePassword, int failedAttempts,
                       long lockedUntil, Long lastLoginAt, long createdAt, long updatedAt) {}

    /** The result of a sign-in: the user, or why not (a wrong name or password is one answer, not two). */
    public sealed interface SignIn {
        record Ok(User user) implements SignIn {}
        record Wrong() implements SignIn {}
        record Locked(long until) implements SignIn {}
    }

    public static final int MAX_FAILURES = 5;
    public static final long LOCK_MS = 15 * 60_000L;
    /**
     * Compared against when the name is unknown, so an unknown name takes as long as a wrong password.
     * Made at the first such sign-in rather than when the class loads: the hash was a fifth of a
     * start-up's CPU time.
     */
    private static final class Dummy {
        static final String HASH = PasswordHasher.hash("herald-dummy-password");
    }

    private static final String COLUMNS = "id, username, role, must_change_password, failed_attempts, locked_until,"
            + " last_login_at, created_at, updated_at";

    private final Database db;

    public Users(Database db) {
        this.db = db;
    }

    public List<User> list() {
        return db.read(c -> {
            List<User> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY username");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        });
    }

    public Optional<User> byId(String id) {
        return db.read(c -> byId(c, id));
    }

    public Optional<User> byId(Connection c, String id) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM users WHERE id = ?", id);
    }

    public Optional<User> byUsername(Connection c, String username) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM users WHERE username = ?", username);
    }

    public int count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    public void insert(Connection c, User u, String passwordHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, username, password_hash, role,"
                + " must_change_password, failed_attempts, locked_until, created_at, updated_at) VALUES (?,?,?,?,?,0,0,?,?)")) {
            ps.setString(1, u.id());
            ps.setString(2, u.username());
            ps.setString(3, passwordHash);
            ps.setString(4, u.role().wire());
            ps.setInt(5, u.mustChangePassword() ? 1 : 0);
            ps.setLong(6, u.createdAt());
            ps.setLong(7, u.updatedAt());
            ps.executeUpdate();
        }
    }

    public boolean setRole(Connection c, String id, Role role, long now) throws SQLException {
        return update(c, "UPDATE users SET role = ?, updated_at = ? WHERE id = ?", role.wire(), now, id) > 0;
    }

    /** A new password; {@code mustChange}: the user is asked for another at the next sign-in. Unlocks the user. */
    public boolean setPassword(Connection c, String id, String passwordHash, boolean mustChange, long now) throws SQLException {
        return update(c, "UPDATE users SET password_hash = ?, must_change_password = ?, failed_attempts = 0,"
                + " locked_until = 0, updated_at = ? WHERE id = ?", passwordHash, mustChange ? 1 : 0, now, id) > 0;
    }

    public boolean delete(Connection c, String id) throws SQLException {
        update(c, "DELETE FROM ui_sessions WHERE user_id = ?", id);
        return update(c, "DELETE FROM users WHERE id = ?", id) > 0;
    }

    public int countWithRole(Connection c, Role role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users WHERE role = ?")) {
            ps.setString(1, role.wire());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Checks a name and password, counting the failure or clearing the count. */
    public SignIn signIn(String username, String password, long now) {
        Optional<Stored> found = db.read(c -> stored(c, username));
        if (found.isEmpty()) {
            PasswordHasher.verify(password, Dummy.HASH);
            return new SignIn.Wrong();
        }
        User u = found.get().user();
        if (u.lockedUntil() > now) {
            PasswordHasher.verify(password, Dummy.HASH); // as long as any other answer: the time says nothing either
            return new SignIn.Locked(u.lockedUntil());
        }
        if (PasswordHasher.verify(password, found.get().hash())) {
            db.inTransaction(c -> update(c, "UPDATE users SET failed_attempts = 0, locked_until = 0, last_login_at = ?"
                    + " WHERE id = ?", now, u.id()));
            return new SignIn.Ok(byId(u.id()).orElse(u));
        }
        // counted in the database, so failures on several nodes add up
        long lockedUntil = db.inTransaction(c -> {
            update(c, "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = ?", u.id());
            update(c, "UPDATE users SET locked_until = ?, failed_attempts = 0 WHERE id = ? AND failed_attempts >= ?",
                    now + LOCK_MS, u.id(), MAX_FAILURES);
            return byId(c, u.id()).map(User::lockedUntil).orElse(0L);
        });
        return lockedUntil > now ? new SignIn.Locked(lockedUntil) : new SignIn.Wrong();
    }

    /** Whether {@code password} is the user's current one (asked before a password change). */
    public boolean passwordMatches(String id, String password) {
        String hash = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        return hash != null && PasswordHasher.verify(password, hash);
    }

    private record Stored(User user, String hash) {}

    private Optional<Stored> stored(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", password_hash FROM users WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(row(rs), rs.getString(10))) : Optional.empty();
            }
        }
    }

    private static Optional<User> one(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            return ps.executeUpdate();
        }
    }

    private static User row(ResultSet rs) throws SQLException {
        long last = rs.getLong(7);
        return new User(rs.getString(1), rs.getString(2), Role.fromWire(rs.getString(3)), rs.getInt(4) != 0,
                rs.getInt(5), rs.getLong(6), rs.wasNull() || last == 0 ? null : last, rs.getLong(8), rs.getLong(9));
    }
}
