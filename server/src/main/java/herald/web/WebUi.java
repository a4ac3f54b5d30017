package herald.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import herald.api.PageRoutes;
import herald.audit.Actor;
import herald.problem.Problem;
import herald.usecase.UseCases;
import herald.usecase.UserUseCases.SignedIn;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin UI under {@code /admin}: server-rendered pages (jte, compiled at build time; htmx for
 * the parts that refresh in place) that call the same use cases as the REST API. Every page needs
 * a signed-in user whose role allows it ({@link Need}); every change carries the session's CSRF
 * token; sessions live in the database, so any node serves any user. Also the request inspector's
 * receiving end, {@code /inspect/{bin}}.
 */
public final class WebUi implements PageRoutes {
    private static final Logger log = LoggerFactory.getLogger(WebUi.class);
    static final String SESSION_COOKIE = "herald_session";
    static final String LOGIN_COOKIE = "herald_login";
    static final String FLASH_COOKIE = "herald_flash";
    static final String USER = "herald.ui.user";
    /** script and style only from Herald itself; no frames; forms only to Herald. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private final UseCases uc;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(null, ContentType.Html, null, "herald.web.jte");
    private final long maxBody;

    public WebUi(UseCases useCases, long maxBody) {
        this.uc = useCases;
        this.maxBody = maxBody;
    }

    @Override
    public List<String> prefixes() {
        return List.of("/admin", "/inspect");
    }

    @Override
    public void register(RoutesConfig r) {
        r.before("/admin", this::before);
        r.before("/admin/*", this::before);
        r.beforeMatched(this::authorize);
        Pages p = new Pages(r, this);
        new StaticFiles().register(p);
        new SignInPages(uc.users()).register(p);
        new DashboardPages(uc.dashboard()).register(p);
        new ServicePages(uc).register(p);
        new SubscriptionPages(uc).register(p);
        new EventPages(uc).register(p);
        new DeliveryPages(uc).register(p);
        new SourcePages(uc).register(p);
        new InspectorPages(uc.inspector(), maxBody).register(p, r);
        new WebfilterPages(uc).register(p);
        new HookPages(uc).register(p);
        new SettingsPages(uc, maxBody).register(p);
        new AuditPages(uc.audit()).register(p);
    }

    /** Before every /admin request: security headers, the session, the CSRF check, the forced password change. */
    private void before(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        String path = ctx.path();
        if (path.startsWith("/admin/static/") || path.equals("/admin/login")) return;
        SignedIn who = uc.users().session(ctx.cookie(SESSION_COOKIE)).orElse(null);
        if (who == null) {
            if (ctx.method() == HandlerType.GET && !isHtmx(ctx)) {
                ctx.redirect("/admin/login" + (path.equals("/admin") ? "" : "?next=" + Fmt.url(path)));
            } else {
                ctx.header("HX-Redirect", "/admin/login");
                render(ctx.status(401), "error.jte", Map.of("v", anonymous("Signed out"), "heading", "You are signed out",
                        "message", "Your session ended. Sign in again, then repeat what you were doing."));
            }
            throw Halt.INSTANCE;
        }
        ctx.attribute(USER, who);
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
            String sent = ctx.header("X-CSRF-Token");
            if (sent == null) sent = ctx.formParam("_csrf");
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                    who.session().csrfToken().getBytes(StandardCharsets.UTF_8))) {
                render(ctx.status(403), "error.jte", Map.of("v", view(ctx, "Refused", ""), "heading", "This form was refused",
                        "message", "It did not carry this session's security token (it may be from an older page or another site)."
                                + " Reload the page and try again."));
                throw Halt.INSTANCE;
            }
        }
        if (who.user().mustChangePassword() && !path.equals("/admin/password") && !path.equals("/admin/logout")) {
            ctx.redirect("/admin/password");
            throw Halt.INSTANCE;
        }
    }

    /** Before a matched /admin route: the role it needs. A viewer's POST is refused here even without a button. */
    private void authorize(Context ctx) {
        if (!owns(ctx.path()) || ctx.path().startsWith("/inspect/")) return;
        Need need = ctx.routeRoles().stream().filter(Need.class::isInstance).map(Need.class::cast).findFirst().orElse(Need.ADMIN);
        if (need == Need.NOBODY) return;
        SignedIn who = ctx.attribute(USER);
        if (who == null || !who.user().role().includes(need.role)) {
            render(ctx.status(403), "error.jte", Map.of("v", view(ctx, "Not allowed", ""), "heading", "Not allowed",
                    "message", "Your role (" + (who == null ? "none" : who.user().role().wire()) + ") may not do this;"
                            + " it needs " + need.role.wire() + ". Ask an admin."));
            throw Halt.INSTANCE;
        }
    }

    /**
     * Ends a request whose answer a before-handler has written (a redirect to sign in, a refusal).
     * Thrown rather than skipping the remaining handlers, so that the after-handlers still run and
     * the request is counted as finished (a graceful stop waits for running requests).
     */
    static final class Halt extends RuntimeException {
        static final Halt INSTANCE = new Halt();

        private Halt() {
            super(null, null, false, false);
        }
    }

    @Override
    public void error(Exception e, Context ctx) {
        if (e instanceof Halt) return; // the answer is written already
        if (e instanceof HttpResponseException h) {
            render(ctx.status(h.getStatus()), "error.jte", Map.of("v", view(ctx, "Error", ""), "heading", h.getMessage(),
                    "message", ""));
            return;
        }
        Problem p = e instanceof Problem pr ? pr : null;
        if (p == null) {
            log.error("ui.failed path={} error={}", ctx.path(), e.toString(), e);
            render(ctx.status(500), "error.jte", Map.of("v", view(ctx, "Error", ""), "heading", "Something went wrong",
                    "message", "Herald could not finish this. Nothing was changed unless the page says so; the log has the details."));
            return;
        }
        int status = switch (p.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case FORBIDDEN -> 403;
            case UNAVAILABLE -> 503;
            case TOO_LARGE -> 413;
            default -> 400;
        };
        render(ctx.status(status), "error.jte", Map.of("v", view(ctx, "Not done", ""),
                "heading", status == 404 ? "Not found" : "This was not done", "message", p.getMessage()));
    }

    @Override
    public void notFound(Context ctx) {
        render(ctx.status(404), "error.jte", Map.of("v", view(ctx, "Not found", ""), "heading", "Not found",
                "message", "There is no page at " + ctx.path() + "."));
    }

    // ---- helpers for the pages

    /** Renders a template with its parameters as the response. */
    void render(Context ctx, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    /** The frame of a page for the signed-in user; carries and clears the flash message. */
    View view(Context ctx, String title, String section) {
        SignedIn who = ctx.attribute(USER);
        String flash = ctx.cookie(FLASH_COOKIE);
        String notice = null, alert = null;
        if (flash != null && !flash.isEmpty()) {
            String text = java.net.URLDecoder.decode(flash, StandardCharsets.UTF_8);
            if (text.startsWith("!")) alert = text.substring(1); else notice = text;
            ctx.res().addHeader("Set-Cookie", FLASH_COOKIE + "=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict");
        }
        if (who == null) return new View(title, section, null, null, null, false, false, notice, alert);
        var role = who.user().role();
        return new View(title, section, who.user().username(), role.wire(), who.session().csrfToken(),
                role.includes(herald.access.Role.OPERATOR), role.includes(herald.access.Role.ADMIN), notice, alert);
    }

    static View anonymous(String title) {
        return new View(title, "", null, null, null, false, false, null, null);
    }

    /** Redirects after a change, with a message for the next page ({@code alert}: a failure). */
    static void redirect(Context ctx, String to, String message, boolean alert) {
        if (message != null) {
            String value = java.net.URLEncoder.encode((alert ? "!" : "") + message, StandardCharsets.UTF_8);
            ctx.res().addHeader("Set-Cookie", FLASH_COOKIE + "=" + value + "; Path=/admin; HttpOnly; SameSite=Strict"
                    + (secure(ctx) ? "; Secure" : ""));
        }
        if (isHtmx(ctx)) ctx.header("HX-Redirect", to);
        else ctx.redirect(to, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** Every service's name by its id, for pages that show deliveries or subscriptions (see {@link Fmt#serviceName}). */
    static java.util.Map<String, String> serviceNames(herald.usecase.UseCases uc) {
        return uc.services().names();
    }

    /** Every Moodle source's name by its id: its events name it by id. */
    static java.util.Map<String, String> sourceNames(herald.usecase.UseCases uc) {
        var names = new java.util.LinkedHashMap<String, String>();
        uc.sources().list(null, 500).forEach(s -> names.put(s.id(), s.name()));
        return names;
    }

    static Actor actor(Context ctx) {
        SignedIn who = ctx.attribute(USER);
        return Actor.user(who.user().id(), who.user().username());
    }

    static SignedIn user(Context ctx) {
        return ctx.attribute(USER);
    }

    static boolean isHtmx(Context ctx) {
        return "true".equals(ctx.header("HX-Request"));
    }

    /** Cookies are Secure when the browser reached Herald over HTTPS (directly or through a proxy that says so). */
    static boolean secure(Context ctx) {
        return "https".equals(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    static void setCookie(Context ctx, String name, String value, int maxAgeS) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/admin; HttpOnly; SameSite=Strict"
                + (maxAgeS >= 0 ? "; Max-Age=" + maxAgeS : "") + (secure(ctx) ? "; Secure" : ""));
    }
}
