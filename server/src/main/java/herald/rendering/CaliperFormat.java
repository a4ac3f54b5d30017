package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code caliper}: the event as an IMS Caliper 1.2 event in a sensor envelope
 * ({@code {sensor, sendTime, dataVersion, data: [event]}}), as Caliper endpoints take it (with the
 * service's Bearer token). The acts are those of {@link LearningActs}; each kind becomes the Caliper
 * event type and action that describe it (a login a {@code SessionEvent LoggedIn}, a grade a
 * {@code GradeEvent Graded} with its {@code Score}…). Kinds Caliper has no event for (a certificate
 * earned, a course passed) are not routed to such a subscription.
 */
final class CaliperFormat implements Format {
    static final String CONTEXT = "http://purl.imsglobal.org/ctx/caliper/v1p2";

    /** A kind's Caliper event type, action and profile. */
    private record Kind(String type, String action, String profile) {}

    private static final Map<LearningActs.Kind, Kind> KINDS = Map.of(
            LearningActs.Kind.LOGGED_IN, new Kind("SessionEvent", "LoggedIn", "SessionProfile"),
            LearningActs.Kind.LOGGED_OUT, new Kind("SessionEvent", "LoggedOut", "SessionProfile"),
            LearningActs.Kind.VIEWED, new Kind("ViewEvent", "Viewed", "ReadingProfile"),
            LearningActs.Kind.ENROLLED, new Kind("Event", "Added", "GeneralProfile"),
            LearningActs.Kind.COMPLETED, new Kind("AssignableEvent", "Completed", "AssignableProfile"),
            LearningActs.Kind.SUBMITTED, new Kind("AssessmentEvent", "Submitted", "AssessmentProfile"),
            LearningActs.Kind.SCORED, new Kind("GradeEvent", "Graded", "GradingProfile"));

    @Override
    public String name() {
        return "caliper";
    }

    @Override
    public boolean forLearningRecords() {
        return true;
    }

    @Override
    public boolean renders(String type, JsonNode body) {
        if (!LearningActs.maps(type, body)) return false;
        if (!(body instanceof ObjectNode doc)) return LearningActs.kindOf(type).map(KINDS::containsKey).orElse(false);
        return LearningActs.of(new EventView(doc), LearningActs.site(null)).map(a -> KINDS.containsKey(a.kind())).orElse(false);
    }

    @Override
    public Payload render(Input in) throws RenderException {
        EventView e = in.event();
        String site = LearningActs.site(in.siteUrl());
        LearningActs.Act act = LearningActs.of(e, site).filter(a -> KINDS.containsKey(a.kind()))
                .orElseThrow(() -> new RenderException("the event " + e.type() + " has no Caliper mapping (see docs/learning-records.md)"));
        Kind kind = KINDS.get(act.kind());
        ObjectNode edApp = Json.object().put("id", site).put("type", "SoftwareApplication");
        ObjectNode person = Json.object().put("id", site + "/user/profile.php?id=" + act.actorId()).put("type", "Person");
        if (!"Moodle".equals(act.platform())) person.put("id", site + "/u/" + act.actorId());

        ObjectNode ev = Json.object();
        ev.put("@context", CONTEXT);
        ev.put("id", "urn:uuid:" + UUID.nameUUIDFromBytes(("herald:caliper:" + e.id()).getBytes(StandardCharsets.UTF_8)));
        ev.put("type", kind.type());
        ev.put("profile", kind.profile());
        ev.set("actor", act.kind() == LearningActs.Kind.SCORED ? edApp.deepCopy() : person); // a grade is given by the system
        ev.put("action", kind.action());
        String courseUrl = act.target() == LearningActs.Target.COURSE ? act.objectUrl() : act.courseUrl();
        ObjectNode group = courseUrl == null ? null : Json.object().put("id", courseUrl).put("type", "CourseOffering");
        switch (act.kind()) {
            case LOGGED_IN, LOGGED_OUT -> ev.set("object", edApp.deepCopy());
            case VIEWED -> ev.set("object", resource(act, "DigitalResource"));
            case ENROLLED -> {
                ObjectNode membership = Json.object().put("id", courseUrl + "#member-" + act.actorId()).put("type", "Membership");
                membership.set("member", person.deepCopy());
                membership.set("organization", group.deepCopy());
                membership.putArray("roles").add("Learner");
                membership.put("status", "Active");
                ev.set("object", membership);
            }
            case COMPLETED -> {
                if (act.target() == LearningActs.Target.COURSE) { // a course is no assignable: the general event says it
                    ev.put("type", "Event").put("profile", "GeneralProfile");
                    ev.set("object", group.deepCopy());
                } else {
                    ev.set("object", resource(act, "AssignableDigitalResource"));
                }
            }
            case SUBMITTED -> {
                boolean quiz = "quiz".equals(act.module());
                if (!quiz) {
                    ev.put("type", "AssignableEvent").put("profile", "AssignableProfile");
                }
                ev.set("object", resource(act, quiz ? "Assessment" : "AssignableDigitalResource"));
            }
            case SCORED -> {
                ObjectNode attempt = Json.object().put("id", act.objectUrl() + "#attempt-" + act.actorId()).put("type", "Attempt");
                attempt.set("assignee", person);
                attempt.set("assignable", resource(act, "AssignableDigitalResource"));
                ev.set("object", attempt);
                ObjectNode score = ev.putObject("generated").put("id", act.objectUrl() + "#score-" + act.actorId()).put("type", "Score");
                score.set("attempt", Json.object().put("id", attempt.get("id").asText()).put("type", "Attempt"));
                score.put("scoreGiven", act.scoreRaw());
                if (act.scoreMax() != null) score.put("maxScore", act.scoreMax());
                score.set("scoredBy", edApp.deepCopy());
            }
            default -> throw new RenderException("the event " + e.type() + " has no Caliper mapping");
        }
        ev.put("eventTime", caliperTime(e.time()));
        ev.set("edApp", edApp);
        if (group != null && act.kind() != LearningActs.Kind.ENROLLED) ev.set("group", group);
        ev.putObject("extensions").put("herald_event_id", e.id()).put("herald_event_type", e.type());

        ObjectNode envelope = Json.object();
        envelope.put("sensor", site + "/herald");
        envelope.put("sendTime", MILLIS.format(Instant.now()));
        envelope.put("dataVersion", CONTEXT);
        envelope.putArray("data").add(ev);
        return new Payload(envelope, null, false, "application/json", List.of());
    }

    /** Caliper's DateTime: ISO 8601 in UTC with millisecond precision, {@code YYYY-MM-DDTHH:mm:ss.SSSZ}. */
    private static final java.time.format.DateTimeFormatter MILLIS =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** An event's RFC 3339 time (any offset, any precision) as Caliper writes one; kept as it is if it does not parse. */
    static String caliperTime(String rfc3339) {
        try {
            return MILLIS.format(java.time.OffsetDateTime.parse(rfc3339).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            return rfc3339;
        }
    }

    private static ObjectNode resource(LearningActs.Act act, String type) {
        ObjectNode r = Json.object().put("id", act.objectUrl()).put("type", type);
        if (act.objectName() != null) r.put("name", act.objectName());
        if (act.courseUrl() != null) r.putObject("isPartOf").put("id", act.courseUrl()).put("type", "CourseOffering");
        return r;
    }
}
