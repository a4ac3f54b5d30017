package herald.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/** A store of one kind of configuration document, as a backup reads and restores it; methods take the caller's connection. */
public interface DocumentStore<T extends Stored> {
    List<T> all(Connection c) throws SQLException;

    void insert(Connection c, T doc) throws SQLException;

    boolean update(Connection c, T doc) throws SQLException;

    boolean delete(Connection c, String id) throws SQLException;

    /** Placeholder names for these documents, before names move between them (see {@link DocumentTable#releaseNames}); kinds without a unique name have none to release. */
    default void releaseNames(Connection c, Collection<String> ids) throws SQLException {}
}
