package herald.delivery;

import herald.store.Sql;
import java.util.List;

/**
 * Which deliveries a list or a replay is about; every field optional. Event type, course and user
 * are the event's; the time window is on when the delivery was created; {@code error} is a
 * case-insensitive piece of the last error.
 */
public record DeliveryFilter(String status, String serviceId, String subscriptionId, String eventId, String eventType,
                             String courseId, String userId, Long since, Long until, String error) {

    boolean needsEvents() {
        return eventType != null || courseId != null || userId != null;
    }

    /** Appends {@code AND ...} conditions on {@code d} (deliveries) and {@code e} (events) and their arguments. */
    void appendTo(StringBuilder sql, List<Object> args) {
        if (status != null) {
            // A literal, not a parameter: only then do the per-status partial indexes apply.
            if (!Delivery.STATUSES.contains(status)) throw new IllegalArgumentException("unknown status " + status);
            sql.append(" AND d.status = '").append(status).append('\'');
        }
        add(sql, args, "d.service_id = ?", serviceId);
        add(sql, args, "d.subscription_id = ?", subscriptionId);
        add(sql, args, "d.event_id = ?", eventId);
        add(sql, args, "e.type = ?", eventType);
        add(sql, args, "e.course_id = ?", courseId);
        add(sql, args, "e.user_id = ?", userId);
        add(sql, args, "d.created_at >= ?", since);
        add(sql, args, "d.created_at < ?", until);
        if (error != null) {
            sql.append(" AND ").append(Sql.like("LOWER(d.last_error)"));
            args.add(Sql.containing(error.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private static void add(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value == null) return;
        sql.append(" AND ").append(condition);
        args.add(value);
    }
}
