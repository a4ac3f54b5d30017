package herald.delivery;

import herald.subscription.Service;
import herald.subscription.Subscription;

/**
 * What the delivery engine tells about a service's health as it happens, for whoever listens
 * (Herald's operational events). Called on the sending threads: a listener returns at once.
 */
public interface ServiceSignals {
    ServiceSignals NONE = new ServiceSignals() {};

    /** One attempt's outcome for the service: {@code failed} as the breaker counts failures. */
    default void attempted(Service svc, boolean failed, String error, long now) {}

    /** This node opened the service's breaker (another node's opening is told there). */
    default void breakerOpened(Service svc, long openUntil, long now) {}

    /** A probe succeeded and this node closed the breaker. */
    default void breakerClosed(Service svc, long now) {}

    /** The receiver answered 410 Gone and the subscription was disabled. */
    default void subscriptionDisabled(Service svc, Subscription sub, String reason, long now) {}
}
