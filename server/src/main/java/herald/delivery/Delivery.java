package herald.delivery;

import java.util.Set;

/** One event on its way to one subscription. Its id is the {@code webhook-id} on every attempt. */
public record Delivery(String id, String eventId, String subscriptionId, String serviceId, String status, int attempts,
                       long nextAttemptAt, String lastError, long createdAt, long updatedAt) {
    public static final Set<String> STATUSES = Set.of("pending", "delivering", "retrying", "delivered", "dead", "paused");

    public Delivery withStatus(String newStatus) {
        return new Delivery(id, eventId, subscriptionId, serviceId, newStatus, attempts, nextAttemptAt, lastError, createdAt,
                updatedAt);
    }

    /** The same delivery waiting, not due before {@code at}. */
    public Delivery pendingUntil(long at) {
        return new Delivery(id, eventId, subscriptionId, serviceId, "pending", attempts, at, lastError, createdAt, updatedAt);
    }
}
