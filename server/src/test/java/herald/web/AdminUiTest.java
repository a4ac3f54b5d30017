package herald.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.EventBus;
import herald.testing.Events;
import herald.testing.Rabbit;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin UI in a real browser (Debian's Chromium through Playwright) against a real Herald and a
 * real receiver on loopback: what an LMS administrator does, page by page, with a screenshot of
 * each main page in target/screenshots/.
 */
class AdminUiTest {
    private static final String ADMIN = "ada";
    private static final String PASSWORD = "correct-horse-battery-staple";
    private static TestHerald herald;
    private static Browser browser;
    private static Receiver receiver;
    private static String base;
    /** What the browser's console reported as errors (a script or style the page's policy blocked, a missing file). */
    private static final java.util.List<String> consoleErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE, Map.of("HERALD_ADMIN_USER", ADMIN, "HERALD_ADMIN_PASSWORD", PASSWORD));
        base = "http://127.0.0.1:" + herald.herald().port();
        receiver = new Receiver();
        browser = new Browser();
    }

    @org.junit.jupiter.api.AfterEach
    void theConsoleStayedClean() {
        // a viewer's refused POST and a wrong password answer 403 and 401 on purpose
        try {
            assertThat(consoleErrors).filteredOn(e -> !e.contains("status of 401") && !e.contains("status of 403")).isEmpty();
        } finally {
            consoleErrors.clear(); // one test's errors are not the next one's
        }
    }

    @AfterAll
    static void stop() {
        browser.close();
        receiver.close();
        herald.close();
    }

    private static Page signIn(String user, String password, int width) {
        Page page = browser.page(width);
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) consoleErrors.add(m.text() + " (" + page.url() + ")");
        });
        page.onDialog(com.microsoft.playwright.Dialog::accept); // "are you sure?" before a deletion
        page.navigate(base + "/admin");
        PlaywrightAssertions.assertThat(page).hasURL(Pattern.compile(".*/admin/login.*"));
        page.fill("#username", user);
        page.fill("#password", password);
        page.click("button[type=submit]");
        return page;
    }

    @Test
    void aWrongPasswordIsRefusedAndSaysWhatToDo() {
        Page page = signIn(ADMIN, "not-the-password", 1280);
        PlaywrightAssertions.assertThat(page.locator("#login-error")).containsText("Wrong user name or password");
        Browser.screenshot(page, "01-sign-in-refused");
        page.fill("#username", ADMIN);
        page.fill("#password", PASSWORD);
        page.click("button[type=submit]");
        PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Dashboard");
        page.context().close();
    }

    @Test
    void anAdministratorConnectsAReceiverAndFollowsItsDeliveries() throws Exception {
        Page page = signIn(ADMIN, PASSWORD, 1280);
        PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Dashboard");

        // a service against the loopback receiver, retried once after a second
        page.navigate(base + "/admin/services/new");
        page.fill("#f-name", "crm");
        page.fill("#f-url", receiver.url());
        // what each choice needs shows with it: the retry schedule, the receiver's credentials
        PlaywrightAssertions.assertThat(page.locator("#f-retry-schedule")).isHidden(); // the default policy
        page.selectOption("#f-retry", "schedule");
        PlaywrightAssertions.assertThat(page.locator("input[name=_retry_base_s]")).isHidden();
        page.fill("#f-retry-schedule", "1");
        PlaywrightAssertions.assertThat(page.locator("#f-auth-token")).isHidden(); // no authentication
        page.selectOption("#f-auth-type", "bearer");
        PlaywrightAssertions.assertThat(page.locator("#f-auth-token")).isVisible();
        PlaywrightAssertions.assertThat(page.locator("#f-auth-username")).isHidden();
        page.selectOption("#f-auth-type", "none");
        PlaywrightAssertions.assertThat(page.locator("#f-form-style")).isHidden(); // JSON
        Browser.screenshot(page, "03-service-editor");
        page.click("button:has-text('Add service')");
        PlaywrightAssertions.assertThat(page.locator("h1")).containsText("Added the service crm");
        assertThat(page.inputValue("#secret")).startsWith("whsec_");
        Browser.screenshot(page, "04-signing-secret-once");
        page.click("a:has-text('Done')");
        String serviceUrl = page.url();

        // a subscription: the picker, and a template whose preview names what it cannot resolve
        page.click("a:has-text('Add a subscription')");
        page.fill("#event-search", "course_viewed");
        page.check("input[name=_event][value$='course_viewed']");
        PlaywrightAssertions.assertThat(page.locator("#f-template")).isHidden(); // the template format's only
        page.selectOption("#f-format", "template");
        page.fill("#f-template", "{\"course\": \"{{courseid}}\", \"user\": \"{{userid}}\", \"ip\": \"{{ip}}\"}");
        PlaywrightAssertions.assertThat(page.locator("#preview-request")).containsText("\"course\"");
        PlaywrightAssertions.assertThat(page.locator(".preview-warning").first()).containsText("ip");
        // the learner as a pseudonym for this receiver: the preview shows what it will get
        page.fill("#f-privacy-pseudonymize", "userid");
        PlaywrightAssertions.assertThat(page.locator("#preview-request")).containsText("\"user\": \"psn_");
        page.click(".personal-fields summary");
        PlaywrightAssertions.assertThat(page.locator(".personal-fields")).containsText("record.email");
        Browser.screenshot(page, "05-subscription-editor-preview");
        page.click("button:has-text('Add subscription')");
        PlaywrightAssertions.assertThat(page.locator(".flash.good")).containsText("Subscription added");

        // an event comes in and is delivered; its page shows the attempt
        Api api = herald.api();
        assertThat(api.post("/api/v1/events", Events.courseViewed("ui-1")).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
        assertThat(Json.read(receiver.received().get(0).body()).get("course").asText()).isEqualTo("1");
        // the receiver has the request before Herald records the answer; the page is read once
        String deliveryId = receiver.received().get(0).header("webhook-id");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/api/v1/deliveries/" + deliveryId).json().path("status").asText().equals("delivered"));
        page.navigate(base + "/admin/events");
        // the list, as the event's page: a dash where the event has no source
        PlaywrightAssertions.assertThat(page.locator("tr:has(a:has-text('course_viewed')) td").nth(4)).hasText("—");
        Browser.screenshot(page, "06-events");
        page.setViewportSize(390, 900); // a phone does without the source (the event's page has it)
        PlaywrightAssertions.assertThat(page.locator("tr:has(a:has-text('course_viewed')) td").nth(4)).isHidden();
        onAPhoneToo(page, "37-phone-events");
        page.click("a:has-text('course_viewed')");
        PlaywrightAssertions.assertThat(page.locator(".delivery .badge").first()).hasText("delivered");
        // posted without a source: a dash, not an empty row
        PlaywrightAssertions.assertThat(page.locator(".facts dt:has-text('Source') + dd")).hasText("—");
        PlaywrightAssertions.assertThat(page.locator(".delivery h3 .hint").first()).hasText("1 attempt");
        page.click(".attempt summary");
        PlaywrightAssertions.assertThat(page.locator(".attempt pre").first()).containsText("webhook-signature");
        Browser.screenshot(page, "07-event-with-attempt");
        onAPhoneToo(page, "38-phone-event-with-attempt");

        // the receiver fails: retried, then a dead letter; replayed by filter once it is back, and delivered
        receiver.answer(() -> 500);
        assertThat(api.post("/api/v1/events", Events.courseViewed("ui-2")).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                api.get("/api/v1/deliveries?status=dead").json().get("items").size() == 1);
        page.navigate(base + "/admin/dead");
        PlaywrightAssertions.assertThat(page.locator("tbody tr")).hasCount(1);
        Browser.screenshot(page, "08-dead-letters");
        onAPhoneToo(page, "41-phone-dead-letters"); // the event and the error, without the page going sideways
        page.click("a:has-text('UTC')");
        PlaywrightAssertions.assertThat(page.locator("#delivery-status")).hasText("dead");
        assertThat(page.locator(".attempt").count()).isEqualTo(2);
        Browser.screenshot(page, "09-dead-delivery");
        receiver.answer(() -> 200);
        page.navigate(base + "/admin/dead");
        page.click("#replay-filtered");
        PlaywrightAssertions.assertThat(page.locator("#replay-count")).containsText("1 dead letter matches");
        Browser.screenshot(page, "10-replay-confirm");
        page.click("button:has-text('Replay 1')");
        PlaywrightAssertions.assertThat(page.locator(".flash.good")).containsText("Replayed 1 dead letter: they are due now");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream().filter(r -> r.body().contains("\"1\"")).count() >= 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/deliveries?status=dead").json().get("items").isEmpty());

        // the dashboard counts them; the audit log names who changed what
        page.navigate(base + "/admin");
        PlaywrightAssertions.assertThat(page.locator("#tile-delivered")).not().hasText("0");
        // The tiles count the chart's window: the letter that died is counted there, though no delivery is dead now.
        PlaywrightAssertions.assertThat(page.locator(".tile:has(#tile-died) .label")).hasText("Died, last hour");
        PlaywrightAssertions.assertThat(page.locator("#tile-died")).hasText("1");
        PlaywrightAssertions.assertThat(page.locator("ul.statuses")).not().containsText("dead");
        Browser.screenshot(page, "02-dashboard");

        // A delivery's page follows it while it is under way: replayed from there, it turns delivered without a reload.
        receiver.answer(() -> 500);
        assertThat(api.post("/api/v1/events", Events.courseViewed("ui-3")).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/deliveries?status=dead").json().get("items").size() == 1);
        page.navigate(base + "/admin/dead");
        page.click("a:has-text('UTC')");
        receiver.reply(r -> Receiver.Reply.status(200).after(1_500));
        page.click("button:has-text('Replay')");
        PlaywrightAssertions.assertThat(page.locator("#delivery-status")).not().hasText("dead");
        PlaywrightAssertions.assertThat(page.locator("#delivery-status")).hasText("delivered",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(10_000));
        receiver.answer(() -> 200);
        page.navigate(base + "/admin/audit");
        PlaywrightAssertions.assertThat(page.locator("ol.audit")).containsText("service.created");
        PlaywrightAssertions.assertThat(page.locator("ol.audit")).containsText("user " + ADMIN);
        Browser.screenshot(page, "11-audit");
        page.navigate(serviceUrl);
        Browser.screenshot(page, "12-service-page");
        page.navigate(base + "/admin/services");
        Browser.screenshot(page, "13-services");
        page.navigate(base + "/admin/queue?status=delivered");
        Browser.screenshot(page, "14-queue");
        page.context().close();
    }

    @Test
    void aTestEventGoesIntoTheRequestInspector() {
        Page page = signIn(ADMIN, PASSWORD, 1280);
        page.navigate(base + "/admin/inspector");
        page.fill("input[name=name]", "ui-bin");
        page.click("button:has-text('Make a bin')");
        String binUrl = page.inputValue("#bin-url");
        assertThat(binUrl).startsWith(base + "/inspect/");
        var created = herald.api().post("/api/v1/services", Json.object().put("name", "to-the-bin").put("url", binUrl));
        assertThat(created.status()).isEqualTo(201);
        page.navigate(base + "/admin/services/" + created.json().get("id").asText() + "/test");
        page.fill("#event_type", "\\core\\event\\user_created");
        page.click("button:has-text('Send now')");
        PlaywrightAssertions.assertThat(page.locator("#response-status")).hasText("200");
        PlaywrightAssertions.assertThat(page.locator("#exchange")).containsText("webhook-id: test_");
        Browser.screenshot(page, "15-test-send");
        page.navigate(base + "/admin/inspector");
        page.click("a:has-text('ui-bin')");
        PlaywrightAssertions.assertThat(page.locator(".captured").first()).containsText("POST");
        PlaywrightAssertions.assertThat(page.locator(".captured pre").first()).containsText("user_created");
        Browser.screenshot(page, "16-inspector-bin");
        page.context().close();
    }

    @Test
    void aBackupIsRestoredAfterSeeingWhatWillChange() throws Exception {
        Api api = herald.api();
        assertThat(api.post("/api/v1/services", Json.object().put("name", "kept-in-backup").put("url", receiver.url())).status())
                .isEqualTo(201);
        Page page = signIn(ADMIN, PASSWORD, 1280);
        page.navigate(base + "/admin/settings");
        Browser.screenshot(page, "17-settings");
        // With its secrets, sealed by a passphrase that the restore's preview asks for again rather than keeps.
        String passphrase = "a sealing passphrase for the UI test";
        page.check("#backup input[name=include_secrets]");
        page.fill("#backup form[action='/admin/backup'] input[name=passphrase]", passphrase);
        Download download = page.waitForDownload(() -> page.click("#download-backup"));
        Path file = Files.createTempFile("herald-backup", ".json");
        download.saveAs(file);
        assertThat(Json.read(Files.readString(file)).get("format").asText()).isEqualTo("herald-backup");
        String id = findService(api, "kept-in-backup").get("id").asText();
        assertThat(api.delete("/api/v1/services/" + id).status()).isEqualTo(204);

        page.navigate(base + "/admin/settings");
        page.setInputFiles("#backup input[type=file]", file);
        page.fill("#backup form[action='/admin/restore'] input[name=passphrase]", passphrase);
        page.click("#preview-restore");
        PlaywrightAssertions.assertThat(page.locator("#restore-changes")).containsText("kept-in-backup");
        PlaywrightAssertions.assertThat(page.locator("#restore-changes")).containsText("create");
        assertThat(findService(api, "kept-in-backup")).as("a preview changes nothing").isNull();
        Browser.screenshot(page, "18-restore-preview");
        assertThat(page.content()).doesNotContain(passphrase);
        page.fill("#restore-passphrase", passphrase);
        page.click("#apply-restore");
        PlaywrightAssertions.assertThat(page.locator(".flash.good")).containsText("Restored");
        assertThat(findService(api, "kept-in-backup")).isNotNull();

        // A key without a scope: the Settings page again, the reason in the keys' section, the name kept.
        consoleErrors.removeIf(e -> e.contains("status of 400"));
        page.navigate(base + "/admin/settings#keys");
        page.fill("#keys input[name=name]", "moodle-ingest");
        page.click("#keys form[action='/admin/keys'] button");
        PlaywrightAssertions.assertThat(page.locator("#keys .error")).containsText("scopes");
        PlaywrightAssertions.assertThat(page.locator("#keys input[name=name]")).hasValue("moodle-ingest");
        page.locator("#keys").scrollIntoViewIfNeeded();
        Browser.screenshot(page, "39-settings-refused");
        consoleErrors.removeIf(e -> e.contains("status of 400"));
        page.context().close();
    }

    @Test
    void anAdministratorErasesALearnerAfterConfirming() {
        Api api = herald.api();
        var events = java.util.List.of(Events.generic("ui-erase-1", "user.updated"), Events.generic("ui-erase-2", "user.updated"));
        for (var e : events) e.withObject("data").putObject("user").put("id", 9077); // a learner no other test's events name
        api.post("/api/v1/events", events);
        Page page = signIn(ADMIN, PASSWORD, 1280);
        page.navigate(base + "/admin/settings#erase");
        page.fill("#erase input[name=user_id]", "9077");
        page.click("#erase-learner");
        PlaywrightAssertions.assertThat(page.locator("h1")).containsText("Erase the learner 9077?");
        assertThat(page.url()).isEqualTo(base + "/admin/erasure"); // the learner's id is never in a URL
        assertThat(api.get("/api/v1/events/ui-erase-1").status()).as("nothing is erased before confirming").isEqualTo(200);
        Browser.screenshot(page, "31-erase-confirm");
        onAPhoneToo(page, "34-phone-erase-confirm");
        page.click("button.danger");
        PlaywrightAssertions.assertThat(page.locator("#erased")).containsText("Events");
        PlaywrightAssertions.assertThat(page.locator("#erased tr").first()).containsText("2");
        Browser.screenshot(page, "32-erased");
        onAPhoneToo(page, "35-phone-erased");
        assertThat(api.get("/api/v1/events/ui-erase-1").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/events/ui-erase-2").status()).isEqualTo(404);
        page.context().close();
    }

    @Test
    void anOrderedDeliveryNamesTheOneItWaitsFor() throws Exception {
        Api api = herald.api();
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        try (Receiver gradebook = new Receiver()) {
            gradebook.reply(r -> {
                if (r.body().contains("ui-ord-1")) {
                    try {
                        answer.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return Receiver.Reply.status(200);
            });
            String svc = api.post("/api/v1/services", Json.object().put("name", "ordered-gradebook").put("url", gradebook.url()))
                    .json().get("id").asText();
            var sub = Json.object().put("service_id", svc).put("format", "event").put("ordering_key", "data.user.id");
            sub.putArray("events").add("grade.*");
            assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            var events = java.util.List.of(Events.generic("ui-ord-1", "grade.changed"), Events.generic("ui-ord-2", "grade.changed"));
            for (var e : events) e.withObject("data").putObject("user").put("id", 31);
            api.post("/api/v1/events", events);
            await().atMost(Duration.ofSeconds(10)).until(() -> gradebook.received().size() == 1); // the head's request is open
            String head = api.get("/api/v1/events/ui-ord-1").json().at("/deliveries/0/id").asText();
            String next = api.get("/api/v1/events/ui-ord-2").json().at("/deliveries/0/id").asText();

            Page page = signIn(ADMIN, PASSWORD, 1280);
            page.navigate(base + "/admin/deliveries/" + next);
            PlaywrightAssertions.assertThat(page.locator("#delivery-status")).hasText("pending");
            PlaywrightAssertions.assertThat(page.locator("#waiting-for")).containsText(head);
            Browser.screenshot(page, "33-delivery-waiting-for");
            onAPhoneToo(page, "36-phone-delivery-waiting-for");
            page.click("#waiting-for a");
            PlaywrightAssertions.assertThat(page.locator("#delivery-status")).hasText("delivering");
            answer.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> gradebook.received().size() == 2);
            page.context().close();
        } finally {
            answer.countDown();
        }
    }

    @Test
    void aViewerSeesButCannotChangeAnything() {
        Page admin = signIn(ADMIN, PASSWORD, 1280);
        admin.navigate(base + "/admin/settings");
        admin.fill("#users input[name=username]", "val");
        admin.selectOption("#users select[name=role]", "viewer");
        admin.click("button:has-text('Add a user')");
        String oneTime = admin.inputValue("#secret");
        admin.context().close();

        Page page = signIn("val", oneTime, 1280);
        PlaywrightAssertions.assertThat(page).hasURL(Pattern.compile(".*/admin/password"));
        page.fill("#f-current-password", oneTime);
        page.fill("#f-new-password", "a-viewer-own-password");
        page.fill("#f-new-password-again", "a-viewer-own-password");
        Browser.screenshot(page, "40-choose-password");
        page.click("button:has-text('Change password')");
        PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Dashboard");

        page.navigate(base + "/admin/services");
        PlaywrightAssertions.assertThat(page.locator("a:has-text('Add a service')")).hasCount(0);
        page.navigate(base + "/admin/settings");
        PlaywrightAssertions.assertThat(page.locator("button:has-text('Turn deliveries off')")).hasCount(0);
        PlaywrightAssertions.assertThat(page.locator("#users")).hasCount(0);
        Browser.screenshot(page, "19-viewer-settings");

        // the server refuses what the page does not offer, even with a valid CSRF token
        String csrf = page.locator("meta[name=csrf-token]").getAttribute("content");
        var r = page.request().post(base + "/admin/settings/deliveries",
                RequestOptions.create().setForm(FormData.create().set("_csrf", csrf).set("on", "false")));
        assertThat(r.status()).isEqualTo(403);
        var create = page.request().post(base + "/admin/services/new",
                RequestOptions.create().setForm(FormData.create().set("_csrf", csrf).set("name", "sneaky").set("url", receiver.url())));
        assertThat(create.status()).isEqualTo(403);
        assertThat(herald.api().get("/api/v1/settings").json().get("deliveries_enabled").asBoolean()).isTrue();
        assertThat(findService(herald.api(), "sneaky")).isNull();
        page.context().close();
    }

    @Test
    void aChangeWithoutTheSessionsCsrfTokenIsRefused() {
        Page page = signIn(ADMIN, PASSWORD, 1280);
        PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Dashboard");
        var noToken = page.request().post(base + "/admin/settings/deliveries",
                RequestOptions.create().setForm(FormData.create().set("on", "false")));
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.text()).contains("security token");
        var wrongToken = page.request().post(base + "/admin/settings/deliveries",
                RequestOptions.create().setForm(FormData.create().set("_csrf", "forged").set("on", "false")));
        assertThat(wrongToken.status()).isEqualTo(403);
        assertThat(herald.api().get("/api/v1/settings").json().get("deliveries_enabled").asBoolean()).isTrue();
        page.context().close();
    }

    @Test
    void thePagesWorkAtPhoneWidth() {
        assertThat(herald.api().post("/api/v1/services", Json.object().put("name", "phone-crm").put("url", receiver.url())).status())
                .isEqualTo(201);
        Page page = signIn(ADMIN, PASSWORD, 390);
        PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Dashboard");
        // The dashboard's services fit a phone: the breaker is in the state cell when it is not closed, p95 is left out.
        Browser.screenshot(page, "20-phone-dashboard");
        Object fits = page.evaluate("(() => { const box = document.querySelector('#h-services ~ .table');"
                + " return box.scrollWidth <= box.clientWidth || box.scrollWidth + ' px in ' + box.clientWidth; })()");
        assertThat(fits).as("the dashboard's services table fits at 390 px").isEqualTo(true);
        // Twelve links are folded behind "Menu", so a page starts near the top; tapped, it opens in place and leads on.
        PlaywrightAssertions.assertThat(page.locator("nav[aria-label=Main]")).isHidden();
        Number header = (Number) page.evaluate("document.querySelector('header.top').getBoundingClientRect().height");
        assertThat(header.doubleValue()).as("the header's height on a phone").isLessThan(60);
        page.click(".menu-toggle");
        PlaywrightAssertions.assertThat(page.locator(".menu-toggle")).hasAttribute("aria-expanded", "true");
        PlaywrightAssertions.assertThat(page.locator(".who a:has-text('Password')")).isVisible();
        Browser.screenshot(page, "42-phone-menu");
        page.click("nav[aria-label=Main] a:has-text('Services')");
        PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Services");
        PlaywrightAssertions.assertThat(page.locator("nav[aria-label=Main]")).isHidden();
        page.setViewportSize(1280, 900); // wide, the links are in sight and "Menu" is not
        PlaywrightAssertions.assertThat(page.locator("nav[aria-label=Main]")).isVisible();
        PlaywrightAssertions.assertThat(page.locator(".menu-toggle")).isHidden();
        page.setViewportSize(390, 900);
        // The services list is wider than a phone: it scrolls in its box, and a shadow at its right edge says so.
        page.navigate(base + "/admin/services");
        Object cue = page.evaluate("(() => { const box = document.querySelector('main .table');"
                + " return box.scrollWidth > box.clientWidth && getComputedStyle(box).backgroundImage.includes('radial-gradient'); })()");
        assertThat(cue).isEqualTo(true);
        page.navigate(base + "/admin/services/new");
        page.selectOption("#f-type", "amqp");
        Browser.screenshot(page, "21-phone-service-editor");
        page.navigate(base + "/admin/subscriptions/new");
        page.click(".personal-fields summary");
        Browser.screenshot(page, "30-phone-subscription-editor");
        for (String path : java.util.List.of("/admin", "/admin/services/new", "/admin/subscriptions/new", "/admin/settings",
                "/admin/dead")) {
            page.navigate(base + path);
            if (path.endsWith("subscriptions/new")) page.click(".personal-fields summary");
            assertFitsItsWidth(page, path);
        }
        page.context().close();
    }

    /** Nothing wider than the screen but the tables, which scroll in their own box. */
    private static void assertFitsItsWidth(Page page, String what) {
        Object wide = page.evaluate("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
                + " > window.innerWidth + 1 && !e.closest('.table')).map(e => e.tagName + '.' + e.className).slice(0, 5).join(' ')");
        assertThat(wide).as("elements wider than the screen on %s", what).isEqualTo("");
    }

    /** The page as it is now, at a phone's width too: it fits, and its screenshot is saved. */
    private static void onAPhoneToo(Page page, String screenshot) {
        page.setViewportSize(390, 900);
        assertFitsItsWidth(page, screenshot);
        Browser.screenshot(page, screenshot);
        page.setViewportSize(1280, 900);
    }

    @Test
    void openEdxIsRunFromTheBrowserToo() {
        Page page = signIn(ADMIN, PASSWORD, 1280);
        // a webfilter that stops suspended learners, tried from its page
        receiver.reply(r -> r.path().startsWith("/login") ? Receiver.Reply.status(200)
                .body("{\"exception\":{\"PreventLogin\":\"Your account is suspended\"}}") : Receiver.Reply.status(200));
        page.navigate(base + "/admin/webfilters/new");
        page.selectOption("#f-filter_type", "org.openedx.learning.student.login.requested.v1");
        page.fill("#f-url", receiver.url() + "/login");
        page.fill("#f-description", "Suspended learners may not sign in");
        PlaywrightAssertions.assertThat(page.locator("#f-path")).isHidden(); // a path below a service's URL: no service chosen
        Browser.screenshot(page, "22-webfilter-editor");
        // a hidden field the server refuses (a path left from a service chosen before) is shown with its error
        page.evaluate("document.getElementById('f-path').value = '/stale'");
        page.click("button:has-text('Add webfilter')");
        PlaywrightAssertions.assertThat(page.locator("#f-path")).isVisible();
        PlaywrightAssertions.assertThat(page.locator(".field.has-error")).containsText("Path");
        consoleErrors.removeIf(e -> e.contains("status of 400")); // the refused form answers 400, on purpose
        page.fill("#f-path", "");
        page.click("button:has-text('Add webfilter')");
        PlaywrightAssertions.assertThat(page.locator(".flash.good")).containsText("Webfilter added");
        page.navigate(base + "/admin/webfilters/try");
        page.click("button:has-text('Run')");
        PlaywrightAssertions.assertThat(page.locator("#filter-result")).containsText("Your account is suspended");
        Browser.screenshot(page, "23-webfilter-try");
        page.navigate(base + "/admin/webfilters");
        Browser.screenshot(page, "24-webfilters");

        // an inbound hook for the openedx-webhooks plugin
        page.navigate(base + "/admin/hooks/new");
        page.fill("#f-name", "openedx");
        page.selectOption("#f-format", "openedx_webhooks");
        page.selectOption("#f-auth-type", "basic");
        PlaywrightAssertions.assertThat(page.locator("#f-auth-secret")).isHidden(); // standard_webhooks' only
        page.fill("#f-auth-username", "openedx");
        page.fill("#f-auth-password", "a-long-password-for-edx");
        page.click("button:has-text('Add hook')");
        PlaywrightAssertions.assertThat(page.locator("#hook-url")).containsText("/hooks/openedx");
        Browser.screenshot(page, "25-hook");

        // the Open edX event bus as a source, reading the local Redis
        try (EventBus bus = new EventBus()) {
            page.navigate(base + "/admin/sources/new-openedx");
            page.fill("#f-name", "lms-bus");
            page.fill("#f-redis-url", EventBus.URL);
            page.fill("#f-topic-prefix", bus.prefix);
            page.selectOption("#f-start", "beginning");
            page.click("#test-connection");
            PlaywrightAssertions.assertThat(page.locator("#test-result")).containsText("Connected");
            page.click("button:has-text('Add source')");
            PlaywrightAssertions.assertThat(page.locator(".flash.good")).containsText("Source added");
            bus.add("learning-course-enrollment-lifecycle", EventBus.ENROLLMENT_CREATED, "ui-bus-1",
                    EventBus.enrollment(4, "andres", "course-v1:edX+DemoX+Demo_Course", "honor", true));
            await().atMost(Duration.ofSeconds(20)).until(() -> herald.api().get("/api/v1/events/ui-bus-1").status() == 200);
            // The table shows where the group is, as stored: within a second of the read, not at the next 5 s mark.
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
                page.reload();
                return !page.locator(".last-entry").first().textContent().equals("0-0");
            });
            PlaywrightAssertions.assertThat(page.locator("#bus-state")).hasText("reading");
            Browser.screenshot(page, "26-openedx-source");
            page.navigate(base + "/admin/sources");
            Browser.screenshot(page, "27-sources");
            herald.api().delete("/api/v1/sources/" + herald.api().get("/api/v1/sources").json().at("/items/0/id").asText());
        }
        page.context().close();
    }

    @Test
    void aRabbitMqExchangeWithAReplyQueueIsSetUpFromTheBrowser() throws Exception {
        Page page = signIn(ADMIN, PASSWORD, 1280);
        try (Rabbit rabbit = new Rabbit()) {
            String exchange = rabbit.exchange("ui");
            String replies = rabbit.name("ui-replies");
            rabbit.owns(replies);
            page.navigate(base + "/admin/services/new");
            PlaywrightAssertions.assertThat(page.locator("fieldset[data-when='type=amqp']")).isHidden(); // an HTTP service by default
            page.selectOption("#f-type", "amqp");
            PlaywrightAssertions.assertThat(page.locator("fieldset[data-when='type=amqp']")).isVisible();
            PlaywrightAssertions.assertThat(page.locator("fieldset[data-when='type=soap']")).isHidden();
            page.fill("#f-name", "erp-bus");
            page.fill("#f-url", Rabbit.URL);
            page.fill("#f-exchange", exchange);
            page.fill("#f-routing-key", "lms.{{name}");
            page.fill("#f-reply-queue", replies);
            page.click("button:has-text('Add service')");
            PlaywrightAssertions.assertThat(page.locator("#form-errors")).containsText("routing_key");
            consoleErrors.removeIf(e -> e.contains("status of 400")); // the refused form answers 400, on purpose
            page.fill("#f-routing-key", "lms.{{name}}");
            Browser.screenshot(page, "28-amqp-service-editor");
            page.click("button:has-text('Add service')");
            page.click("a:has-text('Done')");
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                page.reload();
                return page.locator(".flash.good").textContent().contains("consuming");
            });
            PlaywrightAssertions.assertThat(page.locator("#f-type")).hasValue("amqp");
            Browser.screenshot(page, "29-amqp-service");
            JsonNode svc = findService(herald.api(), "erp-bus");
            assertThat(svc.get("reply_event_type").asText()).isEqualTo("amqp.reply");
            herald.api().delete("/api/v1/services/" + svc.get("id").asText());
        }
        page.context().close();
    }

    private static JsonNode findService(Api api, String name) {
        for (JsonNode s : api.get("/api/v1/services?limit=500").json().get("items")) {
            if (s.get("name").asText().equals(name)) return s;
        }
        return null;
    }
}
