package herald.webfilter;

import herald.store.Stored;

/**
 * One webfilter (openedx-webhooks' model, its field names): an endpoint called when Open edX runs
 * the filter {@code filterType}, before the user's action goes on. It answers data to change and
 * may halt the action with an exception. {@code url} or {@code serviceId} (then the service's URL
 * with {@code path}, its credentials, TLS and breaker). Webfilters of one type run by {@code order},
 * then in the order they were made.
 */
public record Webfilter(String id, String description, String filterType, String url, String serviceId, String path,
                        boolean enabled, int order, boolean useWwwFormEncoding, boolean disableFiltering, boolean disableHalt,
                        boolean haltOn4xx, boolean haltOn5xx, boolean haltOnRequestException, String redirectOn4xx,
                        String redirectOn5xx, String redirectOnRequestException, int timeoutMs, long createdAt,
                        long updatedAt) implements Stored {

    public Webfilter withId(String newId, long created, long updated) {
        return new Webfilter(newId, description, filterType, url, serviceId, path, enabled, order, useWwwFormEncoding,
                disableFiltering, disableHalt, haltOn4xx, haltOn5xx, haltOnRequestException, redirectOn4xx, redirectOn5xx,
                redirectOnRequestException, timeoutMs, created, updated);
    }
}
