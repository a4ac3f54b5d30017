package herald.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event as Herald stores it. {@code body} is the event document that subscriptions filter on
 * and payloads are rendered from: the Moodle fields at top level for Moodle events, or
 * {@code {id, type, source, time, data}} for generic ones.
 *
 * @param type the Moodle {@code eventname} or the generic {@code type}
 */
public record Event(String id, Kind kind, String type, String source, String courseId, String userId,
                    long occurredAtMillis, ObjectNode body) {

    public enum Kind { MOODLE, GENERIC }

    /** The Moodle fields in the order Moodle's {@code get_data()} and the local_webhooks plugin give them. */
    public static final java.util.List<String> MOODLE_FIELDS = java.util.List.of(
            "eventname", "component", "action", "target", "objecttable", "objectid", "crud", "edulevel",
            "contextid", "contextlevel", "contextinstanceid", "userid", "courseid", "relateduserid",
            "anonymous", "other", "timecreated");
}
