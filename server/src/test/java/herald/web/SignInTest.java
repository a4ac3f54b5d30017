package herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import herald.access.PasswordHasher;
import herald.app.Herald;
import herald.config.HeraldConfig;
import herald.testing.Backend;
import herald.testing.Cli;
import herald.testing.TestHerald;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signing in to the admin UI: lock-out, the first admin's one-time password, cookies, sign-out, several nodes. */
class SignInTest {
    private static final Map<String, String> ADMIN = Map.of("HERALD_ADMIN_USER", "ada", "HERALD_ADMIN_PASSWORD", "correct-horse-battery");

    @Test
    void fiveWrongPasswordsLockTheUserEvenAgainstTheRightOne() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            UiClient ui = new UiClient(herald.herald().port());
            for (int i = 0; i < 5; i++) {
                var wrong = ui.signIn("ada", "wrong-password-" + i);
                assertThat(wrong.status()).isEqualTo(401);
            }
            var locked = ui.signIn("ada", "correct-horse-battery");
            assertThat(locked.status()).isEqualTo(401);
            // Locked, and told as a wrong password is: a name that does not exist gets the same answer.
            String lockedMessage = UiClient.match(java.util.regex.Pattern.compile("(Wrong user name[^<]*)"), locked.body());
            for (int i = 0; i < 6; i++) ui.signIn("nobody", "whatever-it-is-" + i);
            var unknown = ui.signIn("nobody", "whatever-it-is");
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(UiClient.match(java.util.regex.Pattern.compile("(Wrong user name[^<]*)"), unknown.body())).isEqualTo(lockedMessage);
        }
    }

    @Test
    void aFirstStartMakesAnAdminWithAOneTimePasswordThatMustBeChanged() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            String oneTime = herald.herald().generatedAdminPassword();
            assertThat(oneTime).isNotBlank().hasSize(23);
            UiClient ui = new UiClient(herald.herald().port());
            var in = ui.signIn("admin", oneTime);
            assertThat(in.status()).isEqualTo(303);
            assertThat(in.location()).isEqualTo("/admin/password");
            assertThat(ui.get("/admin/services").location()).as("every page leads to the password change").isEqualTo("/admin/password");
            var tooShort = ui.postWithToken("/admin/password", Map.of("current_password", oneTime, "new_password", "short",
                    "new_password_again", "short"));
            assertThat(tooShort.status()).isEqualTo(400);
            assertThat(tooShort.body()).contains("at least 12 characters");
            var slip = ui.postWithToken("/admin/password", Map.of("current_password", oneTime, "new_password", "my-own-long-password",
                    "new_password_again", "my-own-long-pasword"));
            assertThat(slip.status()).isEqualTo(400);
            assertThat(slip.body()).contains("is not the same as the new password");
            var changed = ui.postWithToken("/admin/password", Map.of("current_password", oneTime, "new_password", "my-own-long-password",
                    "new_password_again", "my-own-long-password"));
            assertThat(changed.status()).isEqualTo(303);
            assertThat(ui.get("/admin/services").status()).isEqualTo(200);
            assertThat(new UiClient(herald.herald().port()).signIn("admin", oneTime).status()).as("the one-time password is spent").isEqualTo(401);
            String stored = herald.herald().database().read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT password_hash FROM users WHERE username = 'admin'")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(stored).as("a password a person chose is slow to guess").startsWith("$argon2id$");

            long hashes = PasswordHasher.hashesMade();
            herald.restart();
            assertThat(herald.herald().generatedAdminPassword()).as("an admin exists: none is made").isNull();
            assertThat(PasswordHasher.hashesMade()).as("nor is a one-time password hashed in vain at every start").isEqualTo(hashes);
        }
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            assertThat(herald.herald().generatedAdminPassword()).as("no one-time password beside HERALD_ADMIN_USER").isNull();
        }
    }

    @Test
    void aFirstStartThatCannotListenSaysSoInOneLineAndTheNextStartStillShowsTheCredentials(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Map<String, String> env = Map.of("HERALD_DATA_DIR", dir.toString());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> busy = new java.util.HashMap<>(env);
            busy.put("HERALD_HTTP_PORT", Integer.toString(taken.getLocalPort()));
            Cli.Result r = Cli.run(busy, "start");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).doesNotContain("Exception");
            assertThat(r.out()).doesNotContain("Admin API key");
        }
        Map<String, String> free = new java.util.HashMap<>(env);
        free.put("HERALD_HTTP_PORT", "0");
        try (Herald herald = Herald.start(HeraldConfig.fromMap(free))) {
            assertThat(herald.generatedAdminKey()).as("the failed start made no key it never showed").isNotBlank();
            assertThat(herald.generatedAdminPassword()).isNotBlank();
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndEndsAtSignOut() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN)) {
            UiClient ui = new UiClient(herald.herald().port());
            var in = ui.signIn("ada", "correct-horse-battery");
            String cookie = in.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("herald_session=")).findFirst().orElseThrow();
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/admin");
            assertThat(ui.get("/admin").status()).isEqualTo(200);
            String session = cookie.substring("herald_session=".length(), cookie.indexOf(';'));

            assertThat(ui.postWithToken("/admin/logout", Map.of()).status()).isEqualTo(303);
            UiClient thief = new UiClient(herald.herald().port());
            thief.cookies.getCookieStore().add(java.net.URI.create("http://127.0.0.1"), cookieOf(session));
            assertThat(thief.get("/admin").status()).as("the old cookie is worth nothing").isEqualTo(302);
        }
    }

    @Test
    void aSessionMadeOnOneNodeIsKnownOnTheOther() {
        try (TestHerald first = TestHerald.start(Backend.POSTGRES, ADMIN);
             Herald second = Herald.start(HeraldConfig.fromMap(first.environment()))) {
            UiClient ui = new UiClient(first.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            String session = ui.cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("herald_session"))
                    .findFirst().orElseThrow().getValue();
            UiClient other = new UiClient(second.port());
            other.cookies.getCookieStore().add(java.net.URI.create("http://127.0.0.1"), cookieOf(session));
            assertThat(other.get("/admin/services").status()).isEqualTo(200);
        }
    }

    @Test
    void aRefusedPageDoesNotHoldUpAGracefulStop() {
        TestHerald herald = TestHerald.start(Backend.SQLITE, ADMIN);
        UiClient ui = new UiClient(herald.herald().port());
        assertThat(ui.get("/admin/services").status()).isEqualTo(302); // answered by a before-handler
        assertThat(ui.post("/admin/settings/deliveries", Map.of("on", "false")).status()).isEqualTo(401);
        long start = System.nanoTime();
        herald.close(); // waits for running requests: these two must count as finished
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private static java.net.HttpCookie cookieOf(String value) {
        var c = new java.net.HttpCookie("herald_session", value);
        c.setPath("/admin");
        c.setVersion(0);
        return c;
    }
}
