package herald.catalog;

import java.util.List;

/**
 * The personal data common Moodle and Open edX events carry, by path in Herald's event document:
 * what a subscription's {@code privacy} would drop or pseudonymize. Shown beside the privacy
 * fields of the subscription editor and in docs/privacy.md.
 */
public final class PersonalFields {
    /** A path, what it holds, and where it is found. */
    public record Field(String path, String holds, String where) {}

    public static final List<Field> ALL = List.of(
            new Field("userid", "the id of the user who acted", "every Moodle event"),
            new Field("relateduserid", "the id of the user acted upon (enrolled, graded, messaged)", "Moodle events about a user"),
            new Field("realuserid", "the administrator logged in as the user", "Moodle log sources"),
            new Field("ip", "the user's IP address", "Moodle log sources"),
            new Field("other.username", "the user name typed", "\\core\\event\\user_login_failed"),
            new Field("record.userid", "the learner's id in the record an event points to (a grade, an enrolment, a completion)",
                    "Moodle events with their record (nosey, sources)"),
            new Field("objectid", "the user's id when the event is about a user account (objecttable user; also contextinstanceid"
                    + " and record.id)", "\\core\\event\\user_created, user_updated, user_deleted…"),
            new Field("record.email", "e-mail address", "Moodle events with the user's record (nosey, sources)"),
            new Field("record.firstname", "first name", "the same"),
            new Field("record.lastname", "last name", "the same"),
            new Field("record.username", "user name", "the same"),
            new Field("record.idnumber", "the institution's id of the user", "the same"),
            new Field("record.phone1", "telephone", "the same"),
            new Field("record.address", "postal address", "the same"),
            new Field("record.lastip", "last IP address", "the same"),
            new Field("record.portalid", "the user's idnumber (nosey)", "the nosey format"),
            new Field("data.user.pii", "e-mail, user name and full name", "Open edX session and account events"),
            new Field("data.*.user.pii", "e-mail, user name and full name of the learner", "Open edX enrollment, certificate, grade events"),
            new Field("data.user.id", "the learner's id", "Open edX events"),
            new Field("data.*.user.id", "the learner's id", "Open edX enrollment, certificate, grade events"));

    private PersonalFields() {}
}
