package herald.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import herald.crypto.SecretBox;
import herald.store.DocumentStore;
import herald.store.DocumentTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Inbound hooks, sealed: they hold their callers' secret. */
public final class HookStore implements DocumentStore<Hook> {
    private final DocumentTable<Hook> table;

    public HookStore(SecretBox secrets) {
        this.table = new DocumentTable<>("hooks", List.of(
                new DocumentTable.Column<>("name", Hook::name),
                new DocumentTable.Column<>("enabled", Hook::enabled)), new DocumentTable.Codec<>() {
            @Override public JsonNode full(Hook h) { return HookJson.toJson(h, true); }
            @Override public JsonNode masked(Hook h) { return HookJson.toJson(h, false); }
            @Override public Hook read(JsonNode doc, String id, long created, long updated) {
                var copy = ((com.fasterxml.jackson.databind.node.ObjectNode) doc).deepCopy();
                copy.remove("url");
                return HookJson.parse(copy, null).withId(id, created, updated);
            }
        }, secrets);
    }

    public List<Hook> list(Connection c, String afterId, int limit) throws SQLException {
        return table.list(c, null, null, afterId, limit);
    }

    @Override
    public List<Hook> all(Connection c) throws SQLException {
        return table.all(c);
    }

    @Override
    public void releaseNames(Connection c, java.util.Collection<String> ids) throws SQLException {
        table.releaseNames(c, ids);
    }

    public Optional<Hook> get(Connection c, String id) throws SQLException {
        return table.get(c, id);
    }

    public Optional<Hook> byName(Connection c, String name) throws SQLException {
        return table.findBy(c, "name", name);
    }

    @Override
    public void insert(Connection c, Hook h) throws SQLException {
        table.insert(c, h);
    }

    @Override
    public boolean update(Connection c, Hook h) throws SQLException {
        return table.update(c, h);
    }

    @Override
    public boolean delete(Connection c, String id) throws SQLException {
        return table.delete(c, id);
    }
}
