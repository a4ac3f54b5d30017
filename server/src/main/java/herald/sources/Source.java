package herald.sources;

import herald.store.Stored;
import java.util.List;

/**
 * A Moodle site whose standard log table Herald tails over JDBC.
 *
 * @param start where a new source begins: {@code now}, {@code beginning} or a log id (as text)
 * @param graceS how long a log id missing below the highest id read is watched for a late commit
 * @param recordTables the tables whose rows may be loaded as an event's {@code record} (no prefix);
 *                     {@code *} for every table but those never read
 */
public record Source(
        String id,
        String name,
        String jdbcUrl,
        String user,
        String password,
        String tablePrefix,
        String siteUrl,
        String start,
        int pollMs,
        int graceS,
        int batchSize,
        boolean enrich,
        List<String> recordTables,
        boolean enabled,
        long createdAt,
        long updatedAt) implements Stored {

    public Source withId(String newId, long created, long updated) {
        return new Source(newId, name, jdbcUrl, user, password, tablePrefix, siteUrl, start, pollMs, graceS, batchSize,
                enrich, recordTables, enabled, created, updated);
    }

    public Source withEnabled(boolean on, long updated) {
        return new Source(id, name, jdbcUrl, user, password, tablePrefix, siteUrl, start, pollMs, graceS, batchSize,
                enrich, recordTables, on, createdAt, updated);
    }

    /** The log table's full name. */
    public String logTable() {
        return tablePrefix + "logstore_standard_log";
    }
}
