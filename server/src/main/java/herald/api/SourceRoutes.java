package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.sources.Source;
import herald.sources.SourceJson;
import herald.sources.Sources;
import herald.usecase.SourceUseCases;
import herald.usecase.OpenEdxSourceUseCases;
import herald.openedx.EventBusSource;
import herald.openedx.EventBusSourceJson;
import herald.openedx.OpenEdxSources;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import io.javalin.http.Context;
import java.time.Instant;

/** {@code /api/v1/sources}: Moodle log-table sources and Open edX event buses, their CRUD and their status. */
final class SourceRoutes {
    private final SourceUseCases sources;
    private final OpenEdxSourceUseCases openedx;
    private final long maxBody;

    SourceRoutes(SourceUseCases sources, OpenEdxSourceUseCases openedx, long maxBody) {
        this.sources = sources;
        this.openedx = openedx;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/sources", Permission.READ, this::list);
        r.post("/api/v1/sources", Permission.ADMIN, ctx -> {
            JsonNode body = Requests.jsonBody(ctx, maxBody);
            if (EventBusSourceJson.isOpenEdx(body)) {
                EventBusSource s = openedx.create(Actors.of(ctx), body);
                Responses.json(ctx.header("Location", "/api/v1/sources/" + s.id()), 201, busView(s));
            } else {
                Source s = sources.create(Actors.of(ctx), body);
                Responses.json(ctx.header("Location", "/api/v1/sources/" + s.id()), 201, view(s));
            }
        });
        // before /{id}: connects with the given settings (a new source's) and saves nothing
        r.post("/api/v1/sources/test", Permission.ADMIN, ctx -> {
            JsonNode body = Requests.jsonBody(ctx, maxBody);
            Responses.json(ctx, 200, testView(EventBusSourceJson.isOpenEdx(body) ? openedx.testConnection(null, body)
                    : sources.testConnection(null, body)));
        });
        r.get("/api/v1/sources/{id}", Permission.READ, ctx -> {
            var bus = openedx.find(id(ctx));
            Responses.json(ctx, 200, bus.isPresent() ? busView(bus.get()) : view(sources.get(id(ctx))));
        });
        r.get("/api/v1/sources/{id}/status", Permission.READ, ctx -> {
            var bus = openedx.find(id(ctx));
            Responses.json(ctx, 200, bus.isPresent() ? busStatusView(bus.get()) : statusView(sources.status(sources.get(id(ctx)))));
        });
        r.get("/api/v1/sources/{id}/failures", Permission.READ, ctx -> {
            Requests.noCursor(ctx);
            var o = Json.object();
            var items = o.putArray("items");
            for (var f : openedx.failures(id(ctx), Math.min(Requests.limit(ctx), 500))) {
                items.addObject().put("id", f.seq()).put("time", Requests.iso(f.at())).put("stream", f.stream()).put("entry_id", f.entryId())
                        .put("message_id", f.messageId()).put("type", f.type()).put("reason", f.reason()).put("event_data_base64", f.eventDataBase64());
            }
            o.putNull("next_cursor");
            Responses.json(ctx, 200, o);
        });
        r.put("/api/v1/sources/{id}", Permission.ADMIN, ctx -> update(ctx, false));
        r.patch("/api/v1/sources/{id}", Permission.ADMIN, ctx -> update(ctx, true));
        r.delete("/api/v1/sources/{id}", Permission.ADMIN, ctx -> {
            if (openedx.find(id(ctx)).isPresent()) openedx.delete(Actors.of(ctx), id(ctx));
            else sources.delete(Actors.of(ctx), id(ctx));
            ctx.status(204);
        });
        r.post("/api/v1/sources/{id}/enable", Permission.ADMIN, ctx -> setEnabled(ctx, true));
        r.post("/api/v1/sources/{id}/disable", Permission.ADMIN, ctx -> setEnabled(ctx, false));
        r.post("/api/v1/sources/{id}/test", Permission.ADMIN, ctx -> {
            boolean noBody = ctx.contentLength() <= 0 && ctx.header("Transfer-Encoding") == null;
            var body = noBody ? Json.object() : Requests.jsonBody(ctx, maxBody);
            Responses.json(ctx, 200, testView(openedx.find(id(ctx)).isPresent() ? openedx.testConnection(id(ctx), body)
                    : sources.testConnection(id(ctx), body)));
        });
    }

    private void update(Context ctx, boolean merge) {
        JsonNode body = Requests.jsonBody(ctx, maxBody);
        if (openedx.find(id(ctx)).isPresent()) Responses.json(ctx, 200, busView(openedx.update(Actors.of(ctx), id(ctx), body, merge)));
        else Responses.json(ctx, 200, view(sources.update(Actors.of(ctx), id(ctx), body, merge)));
    }

    private void setEnabled(Context ctx, boolean on) {
        if (openedx.find(id(ctx)).isPresent()) Responses.json(ctx, 200, busView(openedx.setEnabled(Actors.of(ctx), id(ctx), on)));
        else Responses.json(ctx, 200, view(sources.setEnabled(Actors.of(ctx), id(ctx), on)));
    }

    private ObjectNode busView(EventBusSource s) {
        ObjectNode o = EventBusSourceJson.toJson(s, false);
        o.set("status", busStatusView(s));
        return o;
    }

    private ObjectNode busStatusView(EventBusSource s) {
        OpenEdxSources.Status st = openedx.status(s);
        ObjectNode o = Json.object().put("state", st.state()).put("last_error", st.lastError())
                .put("last_error_at", st.lastErrorAt() == 0 ? null : Instant.ofEpochMilli(st.lastErrorAt()).toString())
                .put("stored", st.stored()).put("duplicates", st.duplicates()).put("failed", openedx.failureCount(s.id()))
                .put("trimmed_before_read", st.trimmedBeforeRead())
                .put("last_read_at", st.lastReadAt() == 0 ? null : Instant.ofEpochMilli(st.lastReadAt()).toString());
        var topics = o.putArray("topics");
        boolean warn = false;
        for (var t : st.topics()) {
            var n = topics.addObject().put("topic", t.topic()).put("stream", t.stream()).put("last_entry_id", t.lastEntryId());
            n.put("lag", t.lag()).put("pending", t.pending()).put("length", t.length()).put("near_trim", t.nearTrim());
            warn |= t.nearTrim();
        }
        o.put("warning", warn ? "the backlog nears the streams' trim length (" + s.trimLength()
                + " entries): beyond it Open edX drops events before Herald reads them" : null);
        return o;
    }

    /** One page of every source, Moodle and Open edX, newest first (both kinds' ids are ordered by time). */
    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String after = Requests.cursor(ctx);
        List<Object> rows = new ArrayList<>();
        rows.addAll(sources.list(after, limit + 1));
        rows.addAll(openedx.list(after, limit + 1));
        rows.sort(Comparator.comparing(SourceRoutes::idOf).reversed());
        Responses.page(ctx, rows, limit, o -> o instanceof EventBusSource b ? busView(b) : view((Source) o), SourceRoutes::idOf);
    }

    private static String idOf(Object o) {
        return o instanceof EventBusSource b ? b.id() : ((Source) o).id();
    }

    static ObjectNode testView(Sources.ConnectionTest t) {
        ObjectNode o = Json.object().put("ok", t.ok()).put("message", t.message()).put("duration_ms", t.durationMs());
        if (t.newestLogId() == null) o.putNull("newest_log_id"); else o.put("newest_log_id", t.newestLogId());
        o.put("newest_log_at", t.newestLogAt() == null ? null : Requests.iso(t.newestLogAt()));
        return o;
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    private ObjectNode view(Source s) {
        ObjectNode o = SourceJson.toJson(s, false);
        o.set("status", statusView(sources.status(s)));
        return o;
    }

    /** The status as the API shows it; a source this node does not tail shows what the database knows. */
    static ObjectNode statusView(Sources.Status st) {
        ObjectNode o = Json.object();
        o.put("state", st.state());
        o.put("last_log_id", st.lastLogId());
        o.put("lag_rows", st.lagRows());
        o.put("lag_s", st.lagS());
        o.put("last_error", st.lastError());
        if (!st.tailedHere()) return o;
        o.put("last_error_at", st.lastErrorAt() == 0 ? null : Instant.ofEpochMilli(st.lastErrorAt()).toString());
        o.put("watched_ids", st.watched());
        o.put("given_up_ids", st.givenUp());
        o.put("last_poll_at", st.lastPollAt() == 0 ? null : Instant.ofEpochMilli(st.lastPollAt()).toString());
        return o;
    }
}
