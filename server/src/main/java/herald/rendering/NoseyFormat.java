package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.Subscription;

/**
 * {@code nosey}: {@code {"event": {Moodle fields}, "record": row | false | null}} as the Nosey
 * plugin sends it, with PHP's JSON_NUMERIC_CHECK (numeric strings become numbers). {@code record}
 * is the row the event names: {@code false} only when it is gone (Moodle's {@code get_record()}
 * found none); {@code null} when nobody looked (an ingested event that carries none, or a table a
 * source does not read: see the event's {@code record_error}). A source adds {@code record.portalid},
 * the idnumber of the user in {@code record.userid}, as the plugin does; ingest has no database to
 * look it up in and sends the record as the client gave it.
 */
final class NoseyFormat implements Format {
    @Override
    public String name() {
        return "nosey";
    }

    /** Nosey sends the row the event is about. */
    @Override
    public boolean needsRecord(Subscription subscription) {
        return true;
    }

    @Override
    public Payload render(Input in) {
        ObjectNode o = Json.object();
        o.set("event", in.event().moodleFields());
        JsonNode record = in.event().body().get("record");
        o.set("record", record == null || !(record.isObject() || record.isBoolean()) ? NullNode.getInstance() : record);
        return Payload.phpJson(PhpNumbers.numericCheck(o));
    }
}
