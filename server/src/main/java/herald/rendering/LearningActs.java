package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a learning record store wants to hear from an LMS event, once, for the xAPI and Caliper
 * formats: who did what to which activity, with what result. Moodle events follow the mappings of
 * Moodle's xAPI log store ({@code logstore_xapi}) where it has one; Open edX events those of its
 * event-routing backends. An event with no mapping has no act, and those subscriptions do not
 * receive it.
 */
final class LearningActs {
    /** The kinds of act, each a verb in xAPI and an action in Caliper. */
    enum Kind { LOGGED_IN, LOGGED_OUT, VIEWED, ENROLLED, COMPLETED, SUBMITTED, SCORED, PASSED, FAILED, EARNED }

    /** What the act was done to: the site itself, a course, or an activity (a course module) of a course. */
    enum Target { SITE, COURSE, MODULE }

    /**
     * One act. {@code actorId}: the learner's id in the LMS; {@code objectUrl}: the activity's id as
     * the site's URL; {@code module}: the module's type ({@code quiz}, {@code assign}…) when the
     * target is one; {@code courseUrl}: the course it belongs to (null for the site); score fields
     * null when there is none.
     */
    record Act(Kind kind, String actorId, Target target, String objectUrl, String objectName, String module, String courseUrl,
               Boolean completion, Boolean success, Double scoreRaw, Double scoreMin, Double scoreMax, String platform) {}

    private static final Map<String, Kind> MOODLE = Map.ofEntries(
            Map.entry("\\core\\event\\user_loggedin", Kind.LOGGED_IN),
            Map.entry("\\core\\event\\user_loggedout", Kind.LOGGED_OUT),
            Map.entry("\\core\\event\\course_viewed", Kind.VIEWED),
            Map.entry("\\core\\event\\user_enrolment_created", Kind.ENROLLED),
            Map.entry("\\core\\event\\course_completed", Kind.COMPLETED),
            Map.entry("\\core\\event\\course_module_completion_updated", Kind.COMPLETED),
            Map.entry("\\mod_quiz\\event\\attempt_submitted", Kind.SUBMITTED),
            Map.entry("\\mod_assign\\event\\assessable_submitted", Kind.SUBMITTED),
            Map.entry("\\core\\event\\user_graded", Kind.SCORED),
            Map.entry("\\mod_assign\\event\\submission_graded", Kind.SCORED));

    private static final Map<String, Kind> OPENEDX = Map.of(
            "org.openedx.learning.auth.session.login.completed.v1", Kind.LOGGED_IN,
            "org.openedx.learning.course.enrollment.created.v1", Kind.ENROLLED,
            "org.openedx.learning.certificate.created.v1", Kind.EARNED,
            "org.openedx.learning.course.passing.status.updated.v1", Kind.PASSED);

    private LearningActs() {}

    /**
     * Whether an event of this type has a mapping and, given its document, makes an act (a grade
     * removed, an activity marked incomplete, an event naming no learner make none).
     */
    static boolean maps(String type, JsonNode body) {
        boolean byType = MOODLE.containsKey(type) || OPENEDX.containsKey(type)
                || (type.startsWith("\\mod_") && type.endsWith("\\event\\course_module_viewed"));
        if (!byType || !(body instanceof com.fasterxml.jackson.databind.node.ObjectNode doc)) return byType;
        return of(new EventView(doc), "urn:herald:site").isPresent();
    }

    /** The kind of act an event of {@code type} makes, when its type has a mapping (passing status: passed or failed). */
    static Optional<Kind> kindOf(String type) {
        Kind k = MOODLE.get(type);
        if (k == null) k = OPENEDX.get(type);
        if (k == null && type.startsWith("\\mod_") && type.endsWith("\\event\\course_module_viewed")) k = Kind.VIEWED;
        return Optional.ofNullable(k);
    }


    /** The act of {@code e}, or empty when its type has no mapping or it names no learner. {@code site}: the site's URL, no trailing slash. */
    static Optional<Act> of(EventView e, String site) {
        String type = e.type();
        if (e.isMoodle()) {
            Kind kind = MOODLE.get(type);
            if (kind == null && type.startsWith("\\mod_") && type.endsWith("\\event\\course_module_viewed")) kind = Kind.VIEWED;
            return kind == null ? Optional.empty() : moodle(kind, e, site);
        }
        Kind kind = OPENEDX.get(type);
        return kind == null ? Optional.empty() : openedx(kind, e, site);
    }

    private static Optional<Act> moodle(Kind kind, EventView e, String site) {
        String course = e.text("courseid");
        String courseUrl = course == null || course.equals("0") || course.equals("1") ? null : site + "/course/view.php?id=" + course;
        // The learner: the one acted upon when there is one (graded, enrolled, completed), else the one who acted.
        String learner = firstNonBlank(e.text("relateduserid"), e.text("userid"));
        if (kind == Kind.LOGGED_IN || kind == Kind.LOGGED_OUT || kind == Kind.VIEWED || kind == Kind.SUBMITTED) learner = e.text("userid");
        if (learner == null || learner.equals("0")) return Optional.empty();
        String component = e.text("component");
        boolean onModule = "70".equals(e.text("contextlevel")) && component != null && component.startsWith("mod_");
        if (e.type().equals("\\core\\event\\course_module_completion_updated")) onModule = true;
        Target target = kind == Kind.LOGGED_IN || kind == Kind.LOGGED_OUT ? Target.SITE : onModule ? Target.MODULE : Target.COURSE;
        if (target == Target.COURSE && courseUrl == null) return Optional.empty();
        String module = null;
        String objectUrl = switch (target) {
            case SITE -> site;
            case COURSE -> courseUrl;
            case MODULE -> {
                module = moduleName(component, e);
                yield site + "/mod/" + module + "/view.php?id=" + e.text("contextinstanceid");
            }
        };
        Boolean completion = null, success = null;
        Double raw = null, min = null, max = null;
        switch (kind) {
            case COMPLETED -> {
                // course_module_completion_updated: other.completionstate 0 incomplete, 1 complete, 2 passed, 3 failed
                String state = other(e, "completionstate");
                if (state == null) completion = true;
                else {
                    if (state.equals("0")) return Optional.empty(); // marked incomplete: nothing was completed
                    completion = true;
                    if (state.equals("2")) success = true;
                    if (state.equals("3")) success = false;
                }
            }
            case SUBMITTED -> completion = true;
            case SCORED -> {
                raw = number(firstNonBlank(e.text("record.finalgrade"), other(e, "finalgrade"), e.text("record.grade")));
                min = number(e.text("record.rawgrademin"));
                max = number(e.text("record.rawgrademax"));
                if (raw == null) return Optional.empty(); // a grade removed: nothing scored
            }
            default -> { }
        }
        String name = target == Target.COURSE ? firstNonBlank(e.text("record.fullname"), null) : null;
        return Optional.of(new Act(kind, learner, target, objectUrl, name, module, target == Target.COURSE ? null : courseUrl,
                completion, success, raw, min, max, "Moodle"));
    }

    private static Optional<Act> openedx(Kind kind, EventView e, String site) {
        String root = switch (e.type()) {
            case "org.openedx.learning.course.enrollment.created.v1" -> "enrollment";
            case "org.openedx.learning.certificate.created.v1" -> "certificate";
            case "org.openedx.learning.course.passing.status.updated.v1" -> "course_passing_status";
            default -> null;
        };
        String learner = e.text(root == null ? "data.user.id" : "data." + root + ".user.id");
        if (learner == null) return Optional.empty();
        if (root == null) {
            return Optional.of(new Act(kind, learner, Target.SITE, site, null, null, null, null, null, null, null, null, "Open edX"));
        }
        String courseKey = e.text("data." + root + ".course.course_key");
        if (courseKey == null) return Optional.empty();
        String courseUrl = site + "/courses/" + courseKey;
        Boolean success = null;
        if (root.equals("course_passing_status")) {
            String passing = e.text("data.course_passing_status.is_passing");
            if (passing == null) return Optional.empty();
            success = Boolean.parseBoolean(passing);
            kind = success ? Kind.PASSED : Kind.FAILED;
        }
        return Optional.of(new Act(kind, learner, Target.COURSE, courseUrl, e.text("data." + root + ".course.display_name"), null, null,
                kind == Kind.PASSED ? Boolean.TRUE : null, success, null, null, null, "Open edX"));
    }

    /** {@code mod_quiz} → {@code quiz}; other components by the event name's first part. */
    private static String moduleName(String component, EventView e) {
        if (component != null && component.startsWith("mod_")) return component.substring(4);
        String other = other(e, "modulename");
        return other != null ? other : "resource";
    }

    /** A field of a Moodle event's {@code other}, which the log keeps serialized (PHP or JSON). */
    private static String other(EventView e, String key) {
        JsonNode other = MoodleOther.decode(e.body().get("other"));
        JsonNode v = other == null ? null : other.get(key);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }

    private static Double number(String s) {
        if (s == null) return null;
        try {
            double d = Double.parseDouble(s.strip());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /** A site URL as the acts name their objects: no trailing slash; {@code urn:herald:site} when unknown. */
    static String site(String siteUrl) {
        if (siteUrl == null || siteUrl.isBlank()) return "urn:herald:site";
        String s = siteUrl.strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s.toLowerCase(Locale.ROOT).startsWith("http") ? s : "urn:herald:site";
    }
}
