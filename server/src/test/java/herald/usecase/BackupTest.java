package herald.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.TestHerald;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackupTest {

    static String service(Api api, String name) {
        var body = Json.object().put("name", name).put("url", "https://" + name + ".example/hook").put("token", "tok-" + name);
        body.putObject("auth").put("type", "bearer").put("token", "bearer-" + name);
        var r = api.post("/api/v1/services", body);
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("id").asText();
        var sub = Json.object().put("service_id", id);
        sub.putArray("events").add("\\core\\event\\user_*");
        assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
        return id;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRestoreWithOneBadSubscriptionChangesNothing(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            service(api, "crm");
            ObjectNode doc = (ObjectNode) api.get("/api/v1/backup").json();
            var before = api.get("/api/v1/subscriptions").text();
            // a valid new service and subscription, plus one subscription with no events
            var svc = Json.object().put("id", "svc_new").put("name", "lrs").put("url", "https://lrs.example/");
            doc.withArray("services").add(svc);
            var good = Json.object().put("id", "sub_good").put("service_id", "svc_new");
            good.putArray("events").add("*");
            doc.withArray("subscriptions").add(good);
            doc.withArray("subscriptions").add(Json.object().put("id", "sub_bad").put("service_id", "svc_new"));
            // and one that names no service and has no events: both said in one answer
            doc.withArray("subscriptions").add(Json.object().put("id", "sub_lost").put("service_id", "svc_gone"));

            var r = api.post("/api/v1/restore?mode=replace", doc);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorFields()).containsExactlyInAnyOrder("subscriptions[2].events", "subscriptions[3].events",
                    "subscriptions[3].service_id");
            assertThat(api.get("/api/v1/subscriptions").text()).isEqualTo(before);
            assertThat(api.get("/api/v1/services").json().get("items")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void replaceRestoresExactlyTheBackup(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            String crm = service(api, "crm");
            var doc = api.get("/api/v1/backup").json();
            assertThat(doc.get("format").asText()).isEqualTo("herald-backup");
            assertThat(doc.get("version").asInt()).isEqualTo(1);
            assertThat(doc.get("services").get(0).get("token").asText()).isEqualTo("********");
            service(api, "hr");
            api.patch("/api/v1/services/" + crm, Json.object().put("url", "https://changed.example/"));

            var r = api.post("/api/v1/restore?mode=replace", doc);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            var services = api.get("/api/v1/services").json().get("items");
            assertThat(services).hasSize(1);
            assertThat(services.get(0).get("url").asText()).isEqualTo("https://crm.example/hook");
            assertThat(services.get(0).get("token").asText()).isEqualTo("********"); // kept from the existing service
            assertThat(api.get("/api/v1/subscriptions").json().get("items")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void secretsTravelOnlySealedWithAPassphrase(Backend backend) {
        try (TestHerald source = TestHerald.start(backend); TestHerald target = TestHerald.start(backend)) {
            service(source.api(), "crm");
            assertThat(source.api().get("/api/v1/backup?include_secrets=true").status()).isEqualTo(400);
            var sealed = source.api().send("GET", "/api/v1/backup?include_secrets=true", null);
            assertThat(sealed.errorFields()).containsExactly("passphrase");

            var doc = getWithPassphrase(source, "/api/v1/backup?include_secrets=true", "correct horse battery");
            assertThat(doc).doesNotContain("tok-crm").doesNotContain("bearer-crm");
            var wrong = postWithPassphrase(target, "/api/v1/restore?mode=merge", doc, "wrong passphrase!!");
            assertThat(wrong.status()).isEqualTo(400);
            assertThat(target.api().get("/api/v1/services").json().get("items")).isEmpty();

            // Without secrets, to a Herald that has not the service: its credentials are refused (as a
            // request without them would be); its token and signing secret are not, and the answer says so.
            ObjectNode withoutSecrets = (ObjectNode) source.api().get("/api/v1/backup").json();
            var refused = target.api().post("/api/v1/restore?mode=merge&dry_run=true", withoutSecrets);
            assertThat(refused.errorFields()).containsExactly("services[0].auth.token");
            assertThat(refused.json().at("/errors/0/message").asText()).contains("not in this backup (made without secrets)");
            ((ObjectNode) withoutSecrets.get("services").get(0)).putObject("auth").put("type", "none");
            var plain = target.api().post("/api/v1/restore?mode=merge&dry_run=true", withoutSecrets);
            assertThat(plain.status()).as(plain.text()).isEqualTo(200);
            assertThat(plain.json().get("warnings")).hasSize(1);
            assertThat(plain.json().get("warnings").get(0).asText()).startsWith("services[0] 'crm': its secrets are not in this backup")
                    .contains("token", "signing.secret", "signing secret is made anew");

            var ok = postWithPassphrase(target, "/api/v1/restore?mode=merge", doc, "correct horse battery");
            assertThat(ok.status()).as(ok.text()).isEqualTo(200);
            assertThat(ok.json().get("warnings")).as("with its secrets, nothing is missing").isEmpty();
            var restored = Json.read(getWithPassphrase(target, "/api/v1/backup?include_secrets=true", "another long phrase"));
            assertThat(restored.get("services").get(0).get("name").asText()).isEqualTo("crm");
            // The secrets arrived: a second sealed backup opens to the same token.
            var again = postWithPassphrase(source, "/api/v1/restore?mode=replace", Json.write(restored), "another long phrase");
            assertThat(again.status()).as(again.text()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void openEdxSourcesWebfiltersAndHooksTravelTooWithTheirSecretsSealed(Backend backend) {
        try (TestHerald source = TestHerald.start(backend); TestHerald target = TestHerald.start(backend);
             TestHerald bare = TestHerald.start(backend)) {
            Api api = source.api();
            String crm = service(api, "crm");
            var edx = Json.object().put("name", "edx").put("type", "openedx").put("redis_url", "redis://127.0.0.1:6379/0")
                    .put("topic_prefix", "dev").put("enabled", false);
            edx.putArray("topics").add("learning-course-enrollment-lifecycle");
            assertThat(api.post("/api/v1/sources", edx).status()).isEqualTo(201);
            var webfilter = Json.object().put("filter_type", "org.openedx.learning.student.login.requested.v1")
                    .put("service_id", crm).put("path", "/login-check");
            assertThat(api.post("/api/v1/webfilters", webfilter).status()).isEqualTo(201);
            var hook = Json.object().put("name", "hr").put("format", "json").put("event_type", "hr.person.updated");
            hook.putObject("auth").put("type", "bearer").put("token", "hook-bearer-secret-1");
            assertThat(api.post("/api/v1/hooks", hook).status()).isEqualTo(201);

            String doc = getWithPassphrase(source, "/api/v1/backup?include_secrets=true", "correct horse battery");
            assertThat(doc).doesNotContain("hook-bearer-secret-1");
            JsonNode parsed = Json.read(doc);
            assertThat(parsed.get("openedx_sources")).hasSize(1);
            assertThat(parsed.get("webfilters")).hasSize(1);
            assertThat(parsed.get("hooks")).hasSize(1);

            var restored = postWithPassphrase(target, "/api/v1/restore?mode=replace", doc, "correct horse battery");
            assertThat(restored.status()).as(restored.text()).isEqualTo(200);
            assertThat(restored.json().get("openedx_sources").asInt()).isEqualTo(1);
            assertThat(restored.json().get("webfilters").asInt()).isEqualTo(1);
            assertThat(restored.json().get("hooks").asInt()).isEqualTo(1);
            Api there = target.api();
            assertThat(there.get("/api/v1/sources").text()).contains("\"edx\"");
            assertThat(there.get("/api/v1/webfilters").json().get("items").get(0).get("service_id").asText()).isEqualTo(crm);
            // the hook came with its secret: a caller holding it is let in
            var call = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + target.herald().port() + "/hooks/hr"))
                    .header("Authorization", "Bearer hook-bearer-secret-1").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"person\":{\"id\":1}}")).build();
            try (var http = java.net.http.HttpClient.newHttpClient()) {
                assertThat(http.send(call, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
            } catch (java.io.IOException | InterruptedException e) {
                throw new AssertionError(e);
            }

            // without its secrets the hook (like the service's bearer auth) cannot be made: the restore names it and writes nothing
            var plain = bare.api().post("/api/v1/restore?mode=replace", api.get("/api/v1/backup").json());
            assertThat(plain.status()).isEqualTo(400);
            assertThat(plain.errorFields()).contains("hooks[0].auth.token");
            assertThat(bare.api().get("/api/v1/services").json().get("items")).isEmpty();
            assertThat(bare.api().get("/api/v1/webfilters").json().get("items")).isEmpty();

            // Moodle and Open edX sources share one list: a name is one source's
            ObjectNode clash = (ObjectNode) Json.read(doc);
            clash.withArray("sources").addObject().put("id", "src_clash").put("name", "edx").put("type", "moodle")
                    .put("jdbc_url", "jdbc:mariadb://127.0.0.1:1/moodle").put("user", "reader").put("password", "pw")
                    .put("site_url", "https://moodle.example");
            var twice = postWithPassphrase(bare, "/api/v1/restore?mode=replace", Json.write(clash), "correct horse battery");
            assertThat(twice.status()).isEqualTo(400);
            assertThat(twice.errorFields()).containsExactly("openedx_sources[0].name");

            // a webfilter whose service the backup does not bring is refused
            ObjectNode orphan = (ObjectNode) Json.read(doc);
            orphan.withArray("services").removeAll();
            orphan.withArray("subscriptions").removeAll();
            var refused = postWithPassphrase(bare, "/api/v1/restore?mode=replace", Json.write(orphan), "correct horse battery");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.errorFields()).contains("webfilters[0].service_id");
        }
    }

    private static String getWithPassphrase(TestHerald h, String path, String passphrase) {
        return h.api().withHeader("X-Backup-Passphrase", passphrase).get(path).text();
    }

    private static Api.Response postWithPassphrase(TestHerald h, String path, String body, String passphrase) {
        return h.api().withHeader("X-Backup-Passphrase", passphrase).post(path, body);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRestoreMaySwapTheNamesOfTwoServices(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            String crm = service(api, "crm");
            String lrs = service(api, "lrs");
            ObjectNode doc = (ObjectNode) api.get("/api/v1/backup").json();
            for (var s : doc.withArray("services")) {
                ((ObjectNode) s).put("name", s.get("id").asText().equals(crm) ? "lrs" : "crm");
            }
            var r = api.post("/api/v1/restore?mode=merge", doc);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(api.get("/api/v1/services/" + crm).json().get("name").asText()).isEqualTo("lrs");
            assertThat(api.get("/api/v1/services/" + lrs).json().get("name").asText()).isEqualTo("crm");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMergeMayNotTakeTheNameOfAServiceItLeavesAlone(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            service(api, "crm");
            var doc = Json.object().put("format", "herald-backup").put("version", 1);
            doc.putArray("services").add(Json.object().put("id", "svc_other").put("name", "crm").put("url", "https://x.example/"));
            doc.putArray("subscriptions");
            var r = api.post("/api/v1/restore?mode=merge", doc);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorFields()).containsExactly("services[0].name");
            assertThat(api.get("/api/v1/services").json().get("items")).hasSize(1);
        }
    }
}
