package herald.web;

import herald.problem.Problem;
import herald.usecase.UserUseCases;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Sign-in, sign-out and one's own password. The sign-in form is protected against cross-site
 * posting by a token in a cookie that the form must repeat (there is no session yet to hold one).
 */
final class SignInPages {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final UserUseCases users;

    SignInPages(UserUseCases users) {
        this.users = users;
    }

    void register(Pages p) {
        p.get("/admin/login", Need.NOBODY, ctx -> form(p, ctx, null, ""));
        p.post("/admin/login", Need.NOBODY, ctx -> signIn(p, ctx));
        p.post("/admin/logout", Need.VIEWER, ctx -> {
            users.signOut(WebUi.user(ctx).session());
            WebUi.setCookie(ctx, WebUi.SESSION_COOKIE, "", 0);
            WebUi.redirect(ctx, "/admin/login", "You are signed out.", false);
        });
        p.get("/admin/password", Need.VIEWER, ctx -> p.page(ctx, "password.jte", "Change your password", "",
                Map.of("errors", Map.of(), "forced", WebUi.user(ctx).user().mustChangePassword())));
        p.post("/admin/password", Need.VIEWER, ctx -> {
            try {
                // Typed twice: a typing slip in a field that shows dots would lock its owner out.
                if (!java.util.Objects.equals(ctx.formParam("new_password"), ctx.formParam("new_password_again"))) {
                    throw Problem.invalid("new_password_again", "is not the same as the new password");
                }
                users.changeOwnPassword(WebUi.user(ctx), ctx.formParam("current_password"), ctx.formParam("new_password"));
            } catch (Problem e) {
                p.page(ctx.status(400), "password.jte", "Change your password", "", Map.of(
                        "errors", Forms.placed(e, List.of("current_password", "new_password", "new_password_again")),
                        "forced", WebUi.user(ctx).user().mustChangePassword()));
                return;
            }
            WebUi.redirect(ctx, "/admin", "Your password is changed; your other sessions were signed out.", false);
        });
    }

    private void form(Pages p, Context ctx, String message, String username) {
        String token = ctx.cookie(WebUi.LOGIN_COOKIE);
        if (token == null || token.length() != 43) {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            WebUi.setCookie(ctx, WebUi.LOGIN_COOKIE, token, 3600);
        }
        p.render(ctx, "login.jte", Map.of("v", WebUi.anonymous("Sign in"), "token", token, "message", message == null ? "" : message,
                "username", username, "next", safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next"))));
    }

    private void signIn(Pages p, Context ctx) {
        String cookie = ctx.cookie(WebUi.LOGIN_COOKIE);
        String sent = ctx.formParam("_csrf");
        if (cookie == null || sent == null || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
            form(p, ctx.status(403), "The sign-in form expired. Please try again.", "");
            return;
        }
        String username = ctx.formParam("username");
        switch (users.signIn(username, ctx.formParam("password"))) {
            case UserUseCases.SignInResult.Ok ok -> {
                WebUi.setCookie(ctx, WebUi.SESSION_COOKIE, ok.cookie(), -1);
                WebUi.redirect(ctx, ok.user().mustChangePassword() ? "/admin/password" : safeNext(ctx.formParam("next")), null, false);
            }
            case UserUseCases.SignInResult.Refused no -> form(p, ctx.status(401), no.message(), username == null ? "" : username);
        }
    }

    /** Where to go after signing in: a page of the admin UI, never another site. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/admin") || next.startsWith("//") || next.contains("\\") || next.contains("\n")) {
            return "/admin";
        }
        return next;
    }
}
