package herald.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.util.ArrayList;
import java.util.List;

/** Sample events for tests. */
public final class Events {
    private Events() {}

    /** The course_viewed example from the local_webhooks plugin's guide, with an id. */
    public static ObjectNode courseViewed(String id) {
        ObjectNode e = (ObjectNode) Json.read("""
                {"eventname":"\\\\core\\\\event\\\\course_viewed","component":"core","action":"viewed","target":"course",
                 "objecttable":null,"objectid":null,"crud":"r","edulevel":2,"contextid":2,"contextlevel":50,
                 "contextinstanceid":"1","userid":"2","courseid":"1","relateduserid":null,"anonymous":0,"other":null,
                 "timecreated":1512961456}""");
        if (id != null) e.put("id", id);
        return e;
    }

    /** {@code n} of {@link #courseViewed(String)}, with the ids {@code prefix}0, {@code prefix}1, … */
    public static List<ObjectNode> courseViewed(String prefix, int n) {
        List<ObjectNode> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) events.add(courseViewed(prefix + i));
        return events;
    }

    public static ObjectNode generic(String id, String type) {
        ObjectNode e = Json.object();
        e.put("id", id);
        e.put("type", type);
        e.put("source", "https://lms.example/");
        e.put("time", "2026-01-31T12:00:00Z");
        e.putObject("data").putObject("user").put("id", 7);
        return e;
    }
}
