package herald.inspector;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.ids.Ids;
import herald.json.Json;
import herald.store.Database;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The request inspector: bins that receive any request at {@code /inspect/{bin}} and keep it whole
 * (method, path, query, headers, body), so an administrator can point a service at Herald itself
 * and see what it sends. Bounded: {@link #MAX_BINS} bins, the newest {@link #KEPT_PER_BIN} requests
 * of each, bodies up to {@link #MAX_BODY_BYTES}. Bin ids are 128 random bits, so a bin's address is
 * its only key.
 */
public final class Inspector {
    public record Bin(String id, String name, long createdAt, int requests) {}

    /** A request as received; {@code body} is text when it is UTF-8, else base64 ({@code bodyBase64} true). */
    public record Captured(long seq, String binId, long receivedAt, String method, String path, String query,
                           Map<String, List<String>> headers, String body, boolean bodyBase64, int bodyBytes, String remote) {}

    public static final int MAX_BINS = 20;
    public static final int KEPT_PER_BIN = 100;
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private final Database db;

    public Inspector(Database db) {
        this.db = db;
    }

    public List<Bin> bins() {
        return db.read(c -> {
            List<Bin> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT b.id, b.name, b.created_at,"
                    + " (SELECT COUNT(*) FROM inspector_requests r WHERE r.bin_id = b.id) FROM inspector_bins b ORDER BY b.created_at DESC");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Bin(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4)));
            }
            return out;
        });
    }

    public Optional<Bin> bin(String id) {
        return bins().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** A new bin, or empty when there are {@link #MAX_BINS} already. */
    public Optional<Bin> create(String name, long now) {
        String id = Ids.newId("bin").substring(4).toLowerCase(); // the random part is what makes it hard to guess
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM inspector_bins"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) >= MAX_BINS) return Optional.<Bin>empty();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO inspector_bins (id, name, created_at) VALUES (?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            return Optional.of(new Bin(id, name, now, 0));
        });
    }

    public boolean delete(String id) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inspector_requests WHERE bin_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inspector_bins WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Keeps a request a bin received (false: no such bin); the oldest beyond {@link #KEPT_PER_BIN} go. */
    public boolean capture(String binId, String method, String path, String query, Map<String, List<String>> headers,
                           byte[] body, String remote, long now) {
        ObjectNode h = Json.object();
        headers.forEach((name, values) -> values.forEach(v -> h.withArray(name).add(v)));
        String text = utf8(body);
        String stored = text != null ? text : Base64.getEncoder().encodeToString(body);
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inspector_bins WHERE id = ?")) {
                ps.setString(1, binId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO inspector_requests (bin_id, received_at, method, path,"
                    + " query, headers, body, body_bytes, remote) VALUES (?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, binId);
                ps.setLong(2, now);
                ps.setString(3, method);
                ps.setString(4, path);
                ps.setString(5, query);
                ps.setString(6, Json.write(h));
                ps.setString(7, (text != null ? "t:" : "b:") + stored);
                ps.setInt(8, body.length);
                ps.setString(9, remote);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inspector_requests WHERE bin_id = ? AND seq <= ("
                    + "SELECT seq FROM inspector_requests WHERE bin_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)")) {
                ps.setString(1, binId);
                ps.setString(2, binId);
                ps.setInt(3, KEPT_PER_BIN);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** The bin's requests, newest first. */
    public List<Captured> requests(String binId, int limit) {
        return db.read(c -> {
            List<Captured> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, received_at, method, path, query, headers, body, body_bytes,"
                    + " remote FROM inspector_requests WHERE bin_id = ? ORDER BY seq DESC LIMIT ?")) {
                ps.setString(1, binId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
                        Json.read(rs.getString(6)).properties().forEach(e -> {
                            List<String> values = new ArrayList<>();
                            e.getValue().forEach(v -> values.add(v.asText()));
                            headers.put(e.getKey(), values);
                        });
                        String body = rs.getString(7);
                        out.add(new Captured(rs.getLong(1), binId, rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                headers, body.substring(2), body.startsWith("b:"), rs.getInt(8), rs.getString(9)));
                    }
                }
            }
            return out;
        });
    }

    /** The body as text, or null when it is not UTF-8 or holds NUL (which PostgreSQL's text cannot store). */
    private static String utf8(byte[] body) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body)).toString();
            return text.indexOf('\0') >= 0 ? null : text;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
