package herald.rendering;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code xapi}: the event as an xAPI 1.0.3 statement for a learning record store (its
 * {@code /statements} resource), with the {@code X-Experience-API-Version} header. The actor is an
 * account ({@code homePage} the site, {@code name} the learner's id: a pseudonym when the
 * subscription's privacy asks); the object's id is the activity's URL on the site. The statement id
 * is derived from the event id, so a delivery sent twice is one statement to the LRS. Only events
 * with a mapping ({@link LearningActs}) reach such a subscription.
 */
final class XapiFormat implements Format {
    static final String VERSION = "1.0.3";
    private static final Map<LearningActs.Kind, String[]> VERBS = Map.of(
            LearningActs.Kind.LOGGED_IN, new String[] {"https://w3id.org/xapi/adl/verbs/logged-in", "logged-in"},
            LearningActs.Kind.LOGGED_OUT, new String[] {"https://w3id.org/xapi/adl/verbs/logged-out", "logged-out"},
            LearningActs.Kind.VIEWED, new String[] {"http://id.tincanapi.com/verb/viewed", "viewed"},
            LearningActs.Kind.ENROLLED, new String[] {"http://adlnet.gov/expapi/verbs/registered", "enrolled"},
            LearningActs.Kind.COMPLETED, new String[] {"http://adlnet.gov/expapi/verbs/completed", "completed"},
            LearningActs.Kind.SUBMITTED, new String[] {"http://adlnet.gov/expapi/verbs/completed", "completed"},
            LearningActs.Kind.SCORED, new String[] {"http://adlnet.gov/expapi/verbs/scored", "scored"},
            LearningActs.Kind.PASSED, new String[] {"http://adlnet.gov/expapi/verbs/passed", "passed"},
            LearningActs.Kind.FAILED, new String[] {"http://adlnet.gov/expapi/verbs/failed", "failed"},
            LearningActs.Kind.EARNED, new String[] {"http://id.tincanapi.com/verb/earned", "earned"});
    private static final String COURSE_TYPE = "http://adlnet.gov/expapi/activities/course";
    private static final String MODULE_TYPE = "http://id.tincanapi.com/activitytype/lms/module";
    private static final String ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment";
    private static final String SITE_TYPE = "http://id.tincanapi.com/activitytype/lms";
    static final String EVENT_EXTENSION = "https://herald.dev/xapi/extensions/event";

    @Override
    public String name() {
        return "xapi";
    }

    @Override
    public boolean forLearningRecords() {
        return true;
    }

    @Override
    public boolean renders(String type, com.fasterxml.jackson.databind.JsonNode body) {
        return LearningActs.maps(type, body);
    }

    @Override
    public Payload render(Input in) throws RenderException {
        EventView e = in.event();
        String site = LearningActs.site(in.siteUrl());
        LearningActs.Act act = LearningActs.of(e, site)
                .orElseThrow(() -> new RenderException("the event " + e.type() + " has no xAPI mapping (see docs/learning-records.md)"));
        ObjectNode s = Json.object();
        s.put("id", statementId(e.id()));
        ObjectNode actor = s.putObject("actor").put("objectType", "Agent");
        actor.putObject("account").put("homePage", site).put("name", act.actorId());
        String[] verb = VERBS.get(act.kind());
        s.putObject("verb").put("id", verb[0]).putObject("display").put("en-US", verb[1]);
        s.set("object", activity(act.objectUrl(), act.target(), act.module(), act.objectName()));
        ObjectNode result = result(act);
        if (!result.isEmpty()) s.set("result", result);
        ObjectNode context = s.putObject("context").put("platform", act.platform()).put("language", "en");
        if (act.courseUrl() != null) {
            ArrayNode parent = context.putObject("contextActivities").putArray("parent");
            parent.add(activity(act.courseUrl(), LearningActs.Target.COURSE, null, null));
        }
        context.putObject("extensions").set(EVENT_EXTENSION, Json.object().put("id", e.id()).put("type", e.type()));
        s.put("timestamp", e.time());
        return new Payload(s, null, false, "application/json", List.of(), Map.of("X-Experience-API-Version", VERSION));
    }

    private static ObjectNode activity(String id, LearningActs.Target target, String module, String name) {
        ObjectNode o = Json.object().put("objectType", "Activity").put("id", id);
        ObjectNode def = o.putObject("definition");
        def.put("type", switch (target) {
            case SITE -> SITE_TYPE;
            case COURSE -> COURSE_TYPE;
            case MODULE -> "quiz".equals(module) ? ASSESSMENT_TYPE : MODULE_TYPE;
        });
        if (name != null) def.putObject("name").put("en-US", name);
        return o;
    }

    private static ObjectNode result(LearningActs.Act act) {
        ObjectNode r = Json.object();
        if (act.completion() != null) r.put("completion", act.completion());
        if (act.success() != null) r.put("success", act.success());
        if (act.scoreRaw() != null) {
            ObjectNode score = r.putObject("score");
            double raw = act.scoreRaw();
            Double min = act.scoreMin(), max = act.scoreMax();
            // xAPI: min <= raw <= max, scaled in [-1, 1]; bounds that do not hold are left out rather than sent wrong
            boolean bounded = min != null && max != null && min < max && raw >= min && raw <= max;
            score.put("raw", raw);
            if (bounded) {
                score.put("min", min).put("max", max);
                if (min >= 0) score.put("scaled", Math.round(raw / max * 10_000) / 10_000.0);
            }
        }
        return r;
    }

    /** A name-based UUID of the event id: the same event is the same statement. */
    static String statementId(String eventId) {
        return UUID.nameUUIDFromBytes(("herald:xapi:" + eventId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
