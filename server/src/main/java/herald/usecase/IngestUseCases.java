package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.event.Event;
import herald.event.EventParser;
import herald.ingest.EventWriter;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Taking events in: one event or a batch, validated all or nothing, acknowledged once stored with their deliveries. */
public final class IngestUseCases {
    private final EventWriter writer;
    private final int maxBatch;
    private final Counter ingested;
    private final Counter duplicates;

    public IngestUseCases(EventWriter writer, int maxBatch, MeterRegistry metrics) {
        this.writer = writer;
        this.maxBatch = maxBatch;
        this.ingested = metrics.counter("herald_events_ingested_total");
        this.duplicates = metrics.counter("herald_events_duplicate_total");
    }

    /** The events of a request body: one event object, or an array of at most the batch limit. One bad event refuses all. */
    public List<Event> parse(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        List<Event> events = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) throw Problem.invalid("body", "the batch is empty");
            if (body.size() > maxBatch) {
                throw Problem.tooLarge("body", "must hold at most " + maxBatch + " events",
                        "a batch may hold at most " + maxBatch + " events, this one has " + body.size());
            }
            for (int i = 0; i < body.size(); i++) events.add(EventParser.parse(body.get(i), "[" + i + "]", errors, null));
        } else {
            events.add(EventParser.parse(body, "", errors, null));
        }
        errors.throwIfAny(); // all or nothing: one bad event in a batch stores none
        return events;
    }

    /** Stores the events; completes once they are committed, with what happened to each. */
    public CompletableFuture<List<EventWriter.Outcome>> store(List<Event> events) {
        return writer.submit(events).thenApply(outcomes -> {
            long dups = outcomes.stream().filter(EventWriter.Outcome::duplicate).count();
            ingested.increment(outcomes.size() - dups);
            duplicates.increment(dups);
            return outcomes;
        });
    }

    /** A storage failure, overload or timeout: nothing was acknowledged, so the client must retry. */
    public static Problem unavailable(Throwable cause) {
        if (cause instanceof StoreException store) return store.problem("nothing was stored");
        String detail = cause instanceof EventWriter.OverloadedException
                ? "Herald is busy; retry shortly" : "the event could not be stored; retry";
        return Problem.unavailable(detail).retryAfter(5);
    }
}
