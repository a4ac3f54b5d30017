package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.access.PasswordHasher;
import herald.access.Role;
import herald.access.UiSessions;
import herald.access.Users;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.ids.Ids;
import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.store.Database;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The admin UI's users and their sessions: sign-in with lock-out, sign-out, password changes; an
 * admin adds users with a role and a one-time password (shown once; the user chooses their own at
 * the first sign-in), changes roles, resets passwords, removes users. The last admin stays.
 */
public final class UserUseCases {
    /** A user just made, or whose password was reset: the one-time password exists only here. */
    public record WithPassword(Users.User user, String oneTimePassword) {}

    /** A signed-in user and their session. */
    public record SignedIn(Users.User user, UiSessions.Session session) {}

    /** The outcome of a sign-in: the new session's cookie value, or why not. */
    public sealed interface SignInResult {
        record Ok(Users.User user, String cookie) implements SignInResult {}
        record Refused(String message) implements SignInResult {}
    }

    public static final int MIN_PASSWORD = 12;
    public static final int MAX_PASSWORD = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final Database db;
    private final Users users;
    private final UiSessions sessions;
    private final AuditLog audit;

    public UserUseCases(Database db, Users users, UiSessions sessions, AuditLog audit) {
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
    }

    public List<Users.User> list() {
        return users.list();
    }

    public Users.User get(String id) {
        return users.byId(id).orElseThrow(() -> Problem.notFound("user", id));
    }

    /**
     * At start: {@code HERALD_ADMIN_USER} with {@code HERALD_ADMIN_PASSWORD} exists as an admin with
     * that password (set again at every start, so the environment can always restore access); with
     * neither and no user at all, an {@code admin} user is made with a one-time password, returned
     * to be printed once. Several nodes starting together make one (the name is unique).
     */
    public Optional<String> ensureInitialAdmin(String username, String password) {
        long now = System.currentTimeMillis();
        if (!username.isEmpty()) {
            checkPassword(password, "HERALD_ADMIN_PASSWORD");
            String hash = PasswordHasher.hash(password);
            db.inTransaction(c -> {
                var existing = users.byUsername(c, username);
                if (existing.isPresent()) {
                    users.setPassword(c, existing.get().id(), hash, false, now);
                    if (existing.get().role() != Role.ADMIN) users.setRole(c, existing.get().id(), Role.ADMIN, now);
                } else {
                    users.insert(c, new Users.User(Ids.newId("usr"), username, Role.ADMIN, false, 0, 0, null, now, now), hash);
                }
                return null;
            });
            return Optional.empty();
        }
        // Every start but the first finds users: it makes no one-time password. Checked again in the
        // transaction, where another node may have been first.
        if (db.read(users::count) > 0) return Optional.empty();
        String oneTime = oneTimePassword();
        String hash = PasswordHasher.hashGenerated(oneTime);
        try {
            boolean made = db.inTransaction(c -> {
                if (users.count(c) > 0) return false;
                users.insert(c, new Users.User(Ids.newId("usr"), "admin", Role.ADMIN, true, 0, 0, null, now, now), hash);
                return true;
            });
            return made ? Optional.of(oneTime) : Optional.empty();
        } catch (RuntimeException e) {
            if (db.read(users::count) > 0) return Optional.empty(); // another node made it first
            throw e;
        }
    }

    /** {@code body}: {@code {"username", "role"}}; the password is generated and shown once. */
    public WithPassword create(Actor actor, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("username", "role");
        String username = f.string("username", true, 64, null);
        if (username != null && !username.matches("[A-Za-z0-9._@-]{1,64}")) {
            errors.add("username", "use letters, digits and . _ @ - only");
        }
        Role role = role(f);
        errors.throwIfAny();
        long now = System.currentTimeMillis();
        String oneTime = oneTimePassword();
        Users.User u = new Users.User(Ids.newId("usr"), username, role, true, 0, 0, null, now, now);
        Problems.uniqueName("user", () -> db.inTransaction(c -> {
            if (users.byUsername(c, username).isPresent()) throw Problem.conflict("username", "a user '" + username + "' exists");
            users.insert(c, u, PasswordHasher.hashGenerated(oneTime));
            audit.record(c, actor, "user.created", target(u), null, view(u));
            return null;
        }));
        return new WithPassword(u, oneTime);
    }

    /** {@code body}: {@code {"role"}}. The last admin keeps the admin role. */
    public Users.User setRole(Actor actor, String id, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("role");
        Role role = role(f);
        errors.throwIfAny();
        Users.User before = get(id);
        db.inTransaction(c -> {
            if (before.role() == Role.ADMIN && role != Role.ADMIN && users.countWithRole(c, Role.ADMIN) <= 1) {
                throw Problem.conflict("role", "this is the last admin: make another user admin first");
            }
            users.setRole(c, id, role, System.currentTimeMillis());
            audit.record(c, actor, "user.role_changed", target(before), view(before), view(users.byId(c, id).orElseThrow()));
            return null;
        });
        sessions.deleteForUser(id, null); // the new role applies from the next sign-in
        return get(id);
    }

    /** A new one-time password for a user (who chooses their own at the next sign-in); their sessions end. */
    public WithPassword resetPassword(Actor actor, String id) {
        Users.User u = get(id);
        String oneTime = oneTimePassword();
        db.inTransaction(c -> {
            users.setPassword(c, id, PasswordHasher.hashGenerated(oneTime), true, System.currentTimeMillis());
            audit.record(c, actor, "user.password_reset", target(u), null, null);
            return null;
        });
        sessions.deleteForUser(id, null);
        return new WithPassword(get(id), oneTime);
    }

    public void delete(Actor actor, String id) {
        Users.User u = get(id);
        if (actor.kind() == Actor.Kind.USER && id.equals(actor.id())) {
            throw Problem.conflict("id", "you cannot remove yourself: ask another admin");
        }
        db.inTransaction(c -> {
            if (u.role() == Role.ADMIN && users.countWithRole(c, Role.ADMIN) <= 1) {
                throw Problem.conflict("id", "this is the last admin: make another user admin first");
            }
            users.delete(c, id);
            audit.record(c, actor, "user.deleted", target(u), view(u), null);
            return null;
        });
    }

    /** The page's hint says when a user is locked and for how long. */
    private static final String REFUSED = "Wrong user name or password, or the user is locked.";

    /** Checks a name and password; on success a new session begins. The answer never says which of the two was wrong. */
    public SignInResult signIn(String username, String password) {
        long now = System.currentTimeMillis();
        if (username == null || password == null || username.length() > 64 || password.length() > MAX_PASSWORD) {
            return new SignInResult.Refused(REFUSED);
        }
        // A locked user gets the answer a wrong password gets: saying "locked" only of names that exist
        // would tell which ones do. The admin UI's list of users shows who is locked.
        return switch (users.signIn(username, password, now)) {
            case Users.SignIn.Ok ok -> new SignInResult.Ok(ok.user(), sessions.create(ok.user().id(), now).token());
            case Users.SignIn.Wrong w -> new SignInResult.Refused(REFUSED);
            case Users.SignIn.Locked l -> new SignInResult.Refused(REFUSED);
        };
    }

    /** The user of a session cookie, or empty when it is unknown, ended, or its user is gone. */
    public Optional<SignedIn> session(String cookie) {
        long now = System.currentTimeMillis();
        return sessions.find(cookie, now).flatMap(s -> users.byId(s.userId()).map(u -> new SignedIn(u, s)));
    }

    public void signOut(UiSessions.Session session) {
        sessions.delete(session.tokenHash());
    }

    /** The signed-in user's own new password (their other sessions end). */
    public void changeOwnPassword(SignedIn who, String current, String chosen) {
        FieldErrors errors = new FieldErrors();
        if (current == null || !users.passwordMatches(who.user().id(), current)) {
            errors.add("current_password", "is not your current password");
        }
        try {
            checkPassword(chosen, "new_password");
        } catch (Problem p) {
            errors.add("new_password", p.errors().get(0).message());
        }
        if (chosen != null && chosen.equals(current)) errors.add("new_password", "must differ from the current one");
        errors.throwIfAny();
        db.inTransaction(c -> {
            users.setPassword(c, who.user().id(), PasswordHasher.hash(chosen), false, System.currentTimeMillis());
            audit.record(c, Actor.user(who.user().id(), who.user().username()), "user.password_changed", target(who.user()),
                    null, null);
            return null;
        });
        sessions.deleteForUser(who.user().id(), who.session().tokenHash());
    }

    private static Role role(JsonFields f) {
        String r = f.oneOf("role", null, "admin", "operator", "viewer"); // required: its absence is an error already
        return r == null ? Role.VIEWER : Role.fromWire(r);
    }

    private static void checkPassword(String password, String field) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw Problem.invalid(field, "must have at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > MAX_PASSWORD) throw Problem.invalid(field, "must have at most " + MAX_PASSWORD + " characters");
    }

    private static String oneTimePassword() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) b.append('-');
            b.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
        }
        return b.toString();
    }

    private static AuditLog.Target target(Users.User u) {
        return new AuditLog.Target("user", u.id(), u.username());
    }

    private static ObjectNode view(Users.User u) {
        return Json.object().put("id", u.id()).put("username", u.username()).put("role", u.role().wire());
    }
}
