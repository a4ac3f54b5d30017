package herald.usecase;

import herald.event.EventQueries;
import herald.problem.Problem;

/** Reading stored events back (events come in through ingest and sources, not here). */
public final class EventUseCases {
    private final EventQueries queries;

    public EventUseCases(EventQueries queries) {
        this.queries = queries;
    }

    /** Newest first before {@code beforeSeq}; see {@link EventQueries.Page} for filters that scan. */
    public EventQueries.Page list(EventQueries.Filter filter, Long beforeSeq, int limit) {
        return queries.list(filter, beforeSeq, limit);
    }

    /** The type, course and user of each of these events that still exists, by id. */
    public java.util.Map<String, EventQueries.Summary> summaries(java.util.Collection<String> ids) {
        return queries.summaries(ids);
    }

    public EventQueries.StoredEvent get(String id) {
        return queries.get(id).orElseThrow(() -> Problem.notFound("event", id));
    }
}
