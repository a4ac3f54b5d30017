package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.Subscription;

/**
 * {@code nosey}: {@code {"event": {Moodle fields}, "record": row | false}} as the Nosey plugin
 * sends it, with PHP's JSON_NUMERIC_CHECK (numeric strings become numbers). {@code record} is
 * {@code false} when the event carries no row (it was deleted, or ingest did not attach it).
 * {@code portalid} is added when the record is a user, or carries one, with a numeric
 * {@code idnumber}.
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
        JsonNode record = in.event().record();
        if (record == null) o.put("record", false); else o.set("record", record);
        String portal = portalId(in.event(), record);
        if (portal != null) o.put("portalid", portal);
        return Payload.phpJson(PhpNumbers.numericCheck(o));
    }

    private static String portalId(EventView event, JsonNode record) {
        for (JsonNode candidate : new JsonNode[] {record == null ? null : record.get("user"), record, event.body().get("user")}) {
            if (candidate == null || !candidate.isObject()) continue;
            JsonNode idnumber = candidate.get("idnumber");
            if (idnumber != null && (idnumber.isIntegralNumber() || idnumber.isTextual() && idnumber.textValue().matches("\\d{1,18}"))) {
                boolean isUser = candidate != record || "user".equals(event.text("objecttable"));
                if (isUser) return idnumber.asText();
            }
        }
        return null;
    }
}
