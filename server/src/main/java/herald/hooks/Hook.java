package herald.hooks;

import herald.store.Stored;

/**
 * An inbound webhook: {@code POST /hooks/{name}} with the hook's credentials becomes an event. With
 * {@code format} json, the event is of {@code eventType} with the body as its data; the plugin formats
 * (local_webhooks, nosey, openedx_webhooks) turn that plugin's own request into the event it describes.
 */
public record Hook(String id, String name, String description, String eventType, String format, Auth auth, boolean enabled,
                   long createdAt, long updatedAt) implements Stored {

    /**
     * How a caller proves itself: {@code bearer} (token), {@code api_key} (key, in {@code header}, or
     * {@code ?api_key=}, or for local_webhooks the body's {@code token}), {@code basic} (username and
     * password), {@code standard_webhooks} (a whsec secret; timestamps within {@code toleranceS}).
     */
    public record Auth(String type, String secret, String header, String username, int toleranceS) {}

    public Hook withId(String newId, long created, long updated) {
        return new Hook(newId, name, description, eventType, format, auth, enabled, created, updated);
    }
}
