package herald.usecase;

import herald.audit.Actor;
import herald.audit.AuditLog;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.ids.Ids;
import herald.json.Json;
import herald.migration.LocalWebhooksBackup;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.FormatRules;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Migration from the Moodle plugin local_webhooks: its backup file becomes services (title → name,
 * url, token, other → extra, type → content type, enable → enabled) and, for each, one subscription
 * in the {@code moodle} format to the events it sent. All of it, or nothing when any part is invalid.
 */
public final class ImportUseCases {
    /** What one imported service became. */
    public record Imported(String serviceId, String name, List<String> subscriptionIds, List<String> events,
                           List<String> warnings) {}

    private static final int MAX_EVENTS_PER_SUBSCRIPTION = 200;
    private final Database db;
    private final ConfigStore store;
    private final FormatRules formats;

    private final AuditLog audit;

    public ImportUseCases(Database db, ConfigStore store, FormatRules formats, AuditLog audit) {
        this.audit = audit;
        this.db = db;
        this.store = store;
        this.formats = formats;
    }

    /**
     * Imports the services of a local_webhooks backup file ({@code siteUrl}: the Moodle site the
     * plugin ran on, which it sent as {@code host}; optional). Services are added, never replaced.
     */
    public List<Imported> localWebhooks(Actor actor, byte[] file, String siteUrl) {
        List<LocalWebhooksBackup.Record> records = LocalWebhooksBackup.read(file);
        if (siteUrl != null && !siteUrl.isBlank()) { // once, by its own name: not as each record's error
            FieldErrors site = new FieldErrors();
            ServiceJson.checkUrl(siteUrl, site);
            if (!site.isEmpty()) throw Problem.invalid("site_url", site.list().get(0).message());
        }
        return db.inTransaction(c -> {
            Set<String> names = new HashSet<>();
            for (Service s : store.allServices(c)) names.add(s.name());
            FieldErrors errors = new FieldErrors();
            List<Service> services = new ArrayList<>();
            List<List<Subscription>> subscriptions = new ArrayList<>();
            List<Imported> out = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < records.size(); i++) {
                var r = records.get(i);
                String at = "records[" + i + "]";
                List<String> warnings = new ArrayList<>();
                String name = uniqueName(nameOf(r), names);
                if (!name.equals(r.title())) warnings.add("name '" + name + "' made from title '" + r.title() + "'");
                String type = r.type().contains("form") ? "form" : "json";
                if (type.equals("form")) {
                    warnings.add("type " + r.type() + ": the plugin sent a JSON body under a form Content-Type; Herald sends a"
                            + " real form body - check the receiver");
                }
                ObjectNode doc = Json.object().put("name", name)
                        .put("description", "Imported from local_webhooks (id " + r.id() + "): " + r.title())
                        .put("url", r.url()).put("token", r.token()).put("extra", r.other()).put("content_type", type)
                        .put("enabled", r.enabled());
                if (siteUrl != null && !siteUrl.isBlank()) doc.put("site_url", siteUrl);
                Service svc;
                try {
                    svc = ServiceUseCases.checked(ServiceJson.parse(doc, null)).withId(Ids.newId("svc"), now, now);
                } catch (Problem e) {
                    Problems.addNested(errors, e, at);
                    continue;
                }
                List<Subscription> subs = new ArrayList<>();
                if (r.events().isEmpty()) warnings.add("no events were ticked: the plugin sent nothing; no subscription made");
                for (int from = 0; from < r.events().size(); from += MAX_EVENTS_PER_SUBSCRIPTION) {
                    ObjectNode sub = Json.object().put("service_id", svc.id()).put("format", "moodle");
                    var events = sub.putArray("events");
                    r.events().subList(from, Math.min(r.events().size(), from + MAX_EVENTS_PER_SUBSCRIPTION)).forEach(events::add);
                    try {
                        subs.add(SubscriptionJson.parse(sub, null, formats).withId(Ids.newId("sub"), now, now));
                    } catch (Problem e) {
                        Problems.addNested(errors, e, at + ".events");
                    }
                }
                services.add(svc);
                subscriptions.add(subs);
                out.add(new Imported(svc.id(), name, subs.stream().map(Subscription::id).toList(), r.events(), warnings));
            }
            errors.throwIfAny(); // nothing is written unless all of it is valid
            for (int i = 0; i < services.size(); i++) {
                Service svc = services.get(i);
                store.insertService(c, svc);
                audit.record(c, actor, "service.imported", ServiceUseCases.target(svc), null, ServiceUseCases.view(svc));
                for (Subscription s : subscriptions.get(i)) {
                    store.insertSubscription(c, s);
                    audit.record(c, actor, "subscription.imported", SubscriptionUseCases.target(s, svc), null,
                            SubscriptionJson.toJson(s));
                }
            }
            return out;
        });
    }

    /** A Herald name from a plugin title: accents dropped, other runs of characters as '-', at most 100. */
    static String nameOf(LocalWebhooksBackup.Record r) {
        String plain = Normalizer.normalize(r.title(), Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String name = plain.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        if (name.length() > 100) name = name.substring(0, 100);
        return name.isEmpty() ? "moodle-service-" + r.id() : name;
    }

    private static String uniqueName(String base, Set<String> taken) {
        String name = base;
        for (int n = 2; taken.contains(name); n++) {
            String suffix = "-" + n;
            name = (base.length() + suffix.length() > 100 ? base.substring(0, 100 - suffix.length()) : base) + suffix;
        }
        taken.add(name);
        return name;
    }

}
