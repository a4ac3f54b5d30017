package herald.openedx;

import herald.store.Stored;
import java.util.List;

/**
 * An Open edX event bus Herald reads: Redis Streams {@code {topicPrefix}-{topic}} (or just
 * {@code topic} when there is no prefix), read with the consumer group {@link #group()}.
 * {@code trimLength}: the streams' MAXLEN (event-bus-redis: 10,000), for the backlog warning.
 * {@code claimIdleS}: how long an entry stays pending with a consumer before another takes it over
 * (a node that died between storing and acknowledging).
 */
public record EventBusSource(String id, String name, String redisUrl, String topicPrefix, List<String> topics, String start,
                             int batchSize, int trimLength, int claimIdleS, boolean enabled, long createdAt, long updatedAt) implements Stored {

    public EventBusSource withId(String newId, long created, long updated) {
        return new EventBusSource(newId, name, redisUrl, topicPrefix, topics, start, batchSize, trimLength, claimIdleS, enabled, created, updated);
    }

    public EventBusSource withEnabled(boolean on, long now) {
        return new EventBusSource(id, name, redisUrl, topicPrefix, topics, start, batchSize, trimLength, claimIdleS, on, createdAt, now);
    }

    /** The stream of a topic, as event-bus-redis names it. */
    public String stream(String topic) {
        return topicPrefix.isEmpty() ? topic : topicPrefix + "-" + topic;
    }

    /** The consumer group, one per source: every Herald node reading this source is a consumer in it. */
    public String group() {
        return "herald-" + id;
    }
}
