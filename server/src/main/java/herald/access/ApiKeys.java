package herald.access;

import herald.ids.Ids;
import herald.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys, stored as SHA-256 hashes (the keys are 256 random bits, so a slow hash adds nothing).
 * A key found is remembered for {@link #CACHE_MS}, then looked up again: a key revoked (or changed)
 * on another node stops working here within that time; on this node at once.
 */
public final class ApiKeys {
    public record ApiKey(String id, String name, String prefix, Set<Scope> scopes, long createdAt) {}

    /** A key just created: the only time its clear value exists. */
    public record Created(ApiKey key, String secret) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Database db;
    /** How long a key found stays trusted without a look in the database. */
    static final long CACHE_MS = 1_000;

    private record Cached(ApiKey key, long until) {}

    private final ConcurrentHashMap<String, Cached> byHash = new ConcurrentHashMap<>();
    private volatile ApiKey environmentKey;
    private volatile String environmentKeyHash;

    public ApiKeys(Database db) {
        this.db = db;
    }

    /** {@code HERALD_ADMIN_KEY}: an admin key that exists while the variable is set, never stored. */
    public void setEnvironmentAdminKey(String clear) {
        if (clear == null || clear.isEmpty()) return;
        environmentKeyHash = hash(clear);
        environmentKey = new ApiKey("key_env", "HERALD_ADMIN_KEY", clear.substring(0, Math.min(6, clear.length())),
                EnumSet.of(Scope.ADMIN), 0);
    }

    public boolean hasEnvironmentKey() {
        return environmentKey != null;
    }

    public Created create(String name, Set<Scope> scopes) {
        return db.inTransaction(c -> create(c, name, scopes));
    }

    /** Creates a key inside the caller's transaction. */
    public Created create(java.sql.Connection c, String name, Set<Scope> scopes) throws java.sql.SQLException {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String secret = "hk_" + HexFormat.of().formatHex(raw);
        ApiKey key = new ApiKey(Ids.newId("key"), name, secret.substring(0, 9), Set.copyOf(scopes),
                System.currentTimeMillis());
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, key.id());
            ps.setString(2, key.name());
            ps.setString(3, key.prefix());
            ps.setString(4, hash(secret));
            ps.setString(5, String.join(",", key.scopes().stream().map(Scope::wire).sorted().toList()));
            ps.setLong(6, key.createdAt());
            ps.executeUpdate();
        }
        return new Created(key, secret);
    }

    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 200) return Optional.empty();
        String h = hash(presented);
        if (environmentKeyHash != null && MessageDigest.isEqual(
                h.getBytes(StandardCharsets.US_ASCII), environmentKeyHash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(environmentKey);
        }
        long now = System.currentTimeMillis();
        Cached cached = byHash.get(h);
        if (cached != null && cached.until() > now) return Optional.of(cached.key());
        Optional<ApiKey> found = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, prefix, scopes, created_at FROM api_keys WHERE key_hash = ?")) {
                ps.setString(1, h);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<ApiKey>empty();
                }
            }
        });
        // Unknown keys are not remembered: a flood of them must not grow memory.
        if (found.isPresent()) byHash.put(h, new Cached(found.get(), now + CACHE_MS));
        else byHash.remove(h);
        return found;
    }

    public List<ApiKey> list() {
        return db.read(c -> {
            List<ApiKey> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, prefix, scopes, created_at FROM api_keys ORDER BY id DESC");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        });
    }

    public int count() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM api_keys");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Deletes a key inside the caller's transaction; this node forgets every cached key at once. */
    public boolean delete(java.sql.Connection c, String id) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            int n = ps.executeUpdate();
            byHash.clear();
            return n > 0;
        }
    }

    public Optional<ApiKey> get(String id) {
        return list().stream().filter(k -> k.id().equals(id)).findFirst();
    }

    private static ApiKey row(ResultSet rs) throws java.sql.SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : rs.getString(4).split(",")) scopes.add(Scope.fromWire(s));
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), scopes, rs.getLong(5));
    }

    static String hash(String clear) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(clear.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
