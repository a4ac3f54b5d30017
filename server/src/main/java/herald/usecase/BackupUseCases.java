package herald.usecase;

import herald.ids.Ids;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.config.BuildInfo;
import herald.crypto.SecretBox;
import herald.delivery.DeliverySwitch;
import herald.hooks.HookStore;
import herald.openedx.EventBusStore;
import herald.json.Json;
import herald.problem.FieldError;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.sources.SourceStore;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.FormatRules;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import herald.webfilter.FilterTypes;
import herald.webfilter.WebfilterStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Backup and restore of the configuration (services, subscriptions, Moodle and Open edX sources,
 * webfilters, inbound hooks, the delivery switch) as one versioned JSON document. Secrets are left
 * out unless asked for, and then sealed with a key derived from the caller's passphrase, never
 * with the server's master key. Restore validates the whole document before it changes anything,
 * and applies it in one transaction.
 */
public final class BackupUseCases {
    public static final String FORMAT = "herald-backup";
    public static final int VERSION = 1;
    public static final int MIN_PASSPHRASE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum Mode { REPLACE, MERGE }

    /**
     * What a restore did, or would do ({@code applied} false: a dry run). {@code changes} names each
     * service, subscription and source the document creates, changes or removes; unchanged ones are not listed.
     * {@code warnings}: what a new one lacks, its secrets when the backup has none (they stay empty, a
     * signing secret is made anew), for the operator to set.
     */
    public record Summary(int services, int subscriptions, int servicesRemoved, int subscriptionsRemoved, int sources,
                          int sourcesRemoved, List<SectionCount> others, List<Change> changes, List<String> warnings,
                          boolean applied) {}

    /** How many documents of one more kind ({@code key}: openedx_sources, webfilters, hooks) a restore writes and removes. */
    public record SectionCount(String key, int restored, int removed) {}

    /**
     * One resource a restore touches: {@code kind} service|subscription|source|openedx_source|webfilter|hook|settings,
     * {@code action} create|update|remove.
     */
    public record Change(String kind, String action, String id, String name) {}

    private final Database db;
    private final ConfigStore store;
    private final DeliverySwitch deliverySwitch;
    private final FormatRules formats;
    private final Runnable sourcesChanged;
    private final AuditLog audit;
    private final List<BackupSection<?>> sections;
    /** Apart from {@link #sections}: the summary has counted them on their own since before the others. */
    private final BackupSection<?> moodleSources;
    private final BackupSection<?> openedxSources;

    /** {@code sourcesChanged}: told after a restore, so that the running sources (Moodle and Open edX) follow the tables at once. */
    public BackupUseCases(Database db, ConfigStore store, SourceStore sources, EventBusStore openedxSources, WebfilterStore webfilters,
                          FilterTypes filterTypes, HookStore hooks, FormatRules formats, Runnable sourcesChanged, AuditLog audit) {
        this.audit = audit;
        this.openedxSources = BackupSection.openedxSources(openedxSources);
        this.sections = List.of(this.openedxSources, BackupSection.webfilters(webfilters, filterTypes), BackupSection.hooks(hooks));
        this.moodleSources = BackupSection.moodleSources(sources);
        this.db = db;
        this.store = store;
        this.formats = formats;
        this.sourcesChanged = sourcesChanged;
        this.deliverySwitch = new DeliverySwitch(db);
    }

    public ObjectNode export(boolean includeSecrets, String passphrase) {
        if (includeSecrets) checkPassphrase(passphrase);
        ObjectNode doc = Json.object();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        doc.put("created_at", Instant.now().toString());
        doc.put("herald_version", BuildInfo.VERSION);
        doc.putObject("settings").put("deliveries_enabled", deliverySwitch.deliveriesEnabled());
        ArrayNode services = doc.putArray("services");
        ArrayNode subscriptions = doc.putArray("subscriptions");
        ObjectNode clearSecrets = Json.object();
        db.read(c -> {
            for (Service s : store.allServices(c)) {
                services.add(ServiceJson.toJson(s, false, false));
                if (includeSecrets) clearSecrets.set(s.id(), secretsOf(s));
            }
            for (Subscription s : store.allSubscriptions(c)) {
                subscriptions.add(SubscriptionJson.toJson(s));
            }
            moodleSources.export(c, includeSecrets, doc, clearSecrets);
            for (BackupSection<?> section : sections) section.export(c, includeSecrets, doc, clearSecrets);
            return null;
        });
        if (includeSecrets) {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            ObjectNode sealed = doc.putObject("secrets");
            sealed.put("cipher", "AES-256-GCM, key PBKDF2-HMAC-SHA256 210000 iterations");
            sealed.put("salt", Base64.getEncoder().encodeToString(salt));
            sealed.put("data", SecretBox.fromPassphrase(passphrase, salt).encrypt(Json.write(clearSecrets)));
        } else {
            doc.putNull("secrets");
        }
        return doc;
    }

    /** The secret fields of a service, in the shape of its API JSON so restore can lay them back over it. */
    private static ObjectNode secretsOf(Service s) {
        ObjectNode full = ServiceJson.toJson(s, true, true);
        ObjectNode o = Json.object();
        o.put("token", full.get("token").asText());
        ObjectNode auth = o.putObject("auth");
        full.get("auth").properties().forEach(e -> {
            if (!e.getKey().equals("type") && !e.getKey().equals("header") && !e.getKey().equals("username")) {
                auth.set(e.getKey(), e.getValue());
            }
        });
        ObjectNode signing = o.putObject("signing");
        signing.set("secret", full.get("signing").get("secret"));
        signing.set("previous", full.get("signing").get("previous")); // rotated-out secrets still signing
        ObjectNode tls = o.putObject("tls");
        tls.set("client_key_pem", full.get("tls").get("client_key_pem"));
        tls.set("client_key_password", full.get("tls").get("client_key_password"));
        return o;
    }

    /** Applies a backup document ({@code dryRun}: only says what it would change, and changes nothing). */
    public Summary restore(Actor actor, JsonNode doc, Mode mode, String passphrase, boolean dryRun) {
        FieldErrors errors = new FieldErrors();
        if (doc == null || !doc.isObject()) throw Problem.invalid("body", "must be a herald-backup JSON object");
        if (!FORMAT.equals(doc.path("format").asText())) errors.add("format", "must be \"" + FORMAT + "\"");
        if (doc.path("version").asInt(-1) != VERSION) errors.add("version", "must be " + VERSION + " (this Herald reads version 1)");
        JsonNode servicesIn = doc.get("services");
        JsonNode subscriptionsIn = doc.get("subscriptions");
        if (servicesIn == null || !servicesIn.isArray()) errors.add("services", "must be an array");
        if (subscriptionsIn == null || !subscriptionsIn.isArray()) errors.add("subscriptions", "must be an array");
        errors.throwIfAny();

        ObjectNode secrets = unsealSecrets(doc.get("secrets"), passphrase);
        Summary summary = db.inTransaction(c -> {
            Map<String, Service> existing = new HashMap<>();
            for (Service s : store.allServices(c)) existing.put(s.id(), s);
            Map<String, Subscription> existingSubs = new HashMap<>();
            for (Subscription s : store.allSubscriptions(c)) existingSubs.put(s.id(), s);

            List<Service> services = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> ids = new HashSet<>();
            Map<String, Integer> positions = new HashMap<>();
            for (int i = 0; i < servicesIn.size(); i++) {
                String at = "services[" + i + "]";
                JsonNode in = servicesIn.get(i);
                String id = in.path("id").asText("");
                if (!Ids.ANY.matcher(id).matches()) {
                    errors.add(at + ".id", "is required: letters, digits, '_' or '-'");
                    continue;
                }
                if (!ids.add(id)) errors.add(at + ".id", "appears twice in the document");
                positions.putIfAbsent(id, i);
                ObjectNode merged = ((ObjectNode) in).deepCopy();
                List<String> masked = List.of();
                if (secrets != null && secrets.has(id)) overlay(merged, (ObjectNode) secrets.get(id));
                else if (!existing.containsKey(id)) {
                    masked = BackupSection.maskedPaths(merged);
                    String missing = BackupSection.missingSecrets(merged);
                    if (missing != null) warnings.add(at + " '" + merged.path("name").asText(id) + "': " + missing
                            + (merged.path("signing").path("enabled").asBoolean(true)
                            ? "; its signing secret is made anew: rotate it to see it, and give it to the receiver" : ""));
                }
                Service s = collect(errors, at, masked, () -> ServiceUseCases.checked(ServiceJson.parse(merged, existing.get(id))));
                if (s == null) continue;
                if (!names.add(s.name())) errors.add(at + ".name", "appears twice in the document");
                long now = System.currentTimeMillis();
                Service old = existing.get(id);
                services.add(s.withId(id, old != null ? old.createdAt() : now, now));
            }
            if (mode == Mode.MERGE) {
                // Services the document leaves alone keep their names; the document's may swap names among themselves.
                for (Service s : services) {
                    for (Service other : existing.values()) {
                        if (other.name().equals(s.name()) && !ids.contains(other.id())) {
                            errors.add("services[" + positions.get(s.id()) + "].name",
                                    "'" + s.name() + "' belongs to service " + other.id() + ", which this backup does not change");
                        }
                    }
                }
            }
            Set<String> serviceIds = new HashSet<>(ids);
            if (mode == Mode.MERGE) serviceIds.addAll(existing.keySet());
            List<Subscription> subscriptions = new ArrayList<>();
            Set<String> subIds = new HashSet<>();
            for (int i = 0; i < subscriptionsIn.size(); i++) {
                String at = "subscriptions[" + i + "]";
                JsonNode in = subscriptionsIn.get(i);
                String id = in.path("id").asText("");
                if (!Ids.ANY.matcher(id).matches()) {
                    errors.add(at + ".id", "is required: letters, digits, '_' or '-'");
                    continue;
                }
                if (!subIds.add(id)) errors.add(at + ".id", "appears twice in the document");
                // Checked on the document's text, so that it is named beside the subscription's other errors.
                JsonNode serviceId = in.path("service_id");
                if (serviceId.isTextual() && !serviceIds.contains(serviceId.asText())) {
                    errors.add(at + ".service_id", "names no service in the document");
                }
                Subscription s = collect(errors, at, List.of(), () -> SubscriptionJson.parse(in, existingSubs.get(id), formats));
                if (s == null) continue;
                long now = System.currentTimeMillis();
                Subscription old = existingSubs.get(id);
                subscriptions.add(s.withId(id, old != null ? old.createdAt() : now, now));
            }
            var sourcePlan = moodleSources.plan(c, doc, secrets, mode == Mode.REPLACE, serviceIds, errors);
            List<BackupSection<?>.Plan> plans = new ArrayList<>();
            for (BackupSection<?> section : sections) plans.add(section.plan(c, doc, secrets, mode == Mode.REPLACE, serviceIds, errors));
            // Moodle and Open edX sources are one list in the API, where a name is one source's
            Map<String, String> openedxNames = plans.get(sections.indexOf(openedxSources)).names();
            sourcePlan.names().forEach((taken, at) -> {
                String other = openedxNames.get(taken);
                if (!openedxNames.containsKey(taken) || (at == null && other == null)) return; // both as they were
                errors.add((other != null ? other : at) + ".name", "'" + taken + "' is the name of a Moodle source and of an Open edX source");
            });
            errors.throwIfAny(); // nothing has been written yet

            List<Change> changes = new ArrayList<>();
            for (Service s : services) {
                Service old = existing.get(s.id());
                if (old == null) changes.add(new Change("service", "create", s.id(), s.name()));
                else if (!sameConfig(ServiceJson.toJson(old, true, true), ServiceJson.toJson(s, true, true))) {
                    changes.add(new Change("service", "update", s.id(), s.name()));
                }
            }
            for (Subscription s : subscriptions) {
                Subscription old = existingSubs.get(s.id());
                if (old == null) changes.add(new Change("subscription", "create", s.id(), String.join(", ", s.events())));
                else if (!sameConfig(SubscriptionJson.toJson(old), SubscriptionJson.toJson(s))) {
                    changes.add(new Change("subscription", "update", s.id(), String.join(", ", s.events())));
                }
            }
            int subsRemoved = 0, servicesRemoved = 0;
            if (mode == Mode.REPLACE) {
                for (var e : existingSubs.entrySet()) {
                    if (!subIds.contains(e.getKey())) {
                        changes.add(new Change("subscription", "remove", e.getKey(), String.join(", ", e.getValue().events())));
                        subsRemoved++;
                    }
                }
                for (var e : existing.entrySet()) {
                    if (!ids.contains(e.getKey())) {
                        changes.add(new Change("service", "remove", e.getKey(), e.getValue().name()));
                        servicesRemoved++;
                    }
                }
            }
            sourcePlan.changes(changes);
            for (var plan : plans) plan.changes(changes);
            JsonNode enabled = doc.path("settings").path("deliveries_enabled");
            if (enabled.isBoolean() && enabled.booleanValue() != DeliverySwitch.deliveriesEnabled(c)) {
                changes.add(new Change("settings", "update", "deliveries_enabled", String.valueOf(enabled.booleanValue())));
            }
            var sourceCount = sourcePlan.count();
            warnings.addAll(sourcePlan.warnings);
            for (var plan : plans) warnings.addAll(plan.warnings);
            Summary result = new Summary(services.size(), subscriptions.size(), servicesRemoved, subsRemoved, sourceCount.restored(),
                    sourceCount.removed(), plans.stream().map(p -> p.count()).toList(), List.copyOf(changes), List.copyOf(warnings),
                    !dryRun);
            if (dryRun) return result;

            if (mode == Mode.REPLACE) {
                for (String id : existingSubs.keySet()) {
                    if (!subIds.contains(id)) store.deleteSubscription(c, id);
                }
                for (String id : existing.keySet()) {
                    if (!ids.contains(id)) store.deleteService(c, id);
                }
            }
            List<String> renamed = services.stream().filter(s -> existing.containsKey(s.id())
                    && !existing.get(s.id()).name().equals(s.name())).map(Service::id).toList();
            store.releaseNames(c, renamed);
            for (Service s : services) {
                if (existing.containsKey(s.id())) store.updateService(c, s); else store.insertService(c, s);
            }
            for (Subscription s : subscriptions) {
                if (existingSubs.containsKey(s.id())) store.updateSubscription(c, s); else store.insertSubscription(c, s);
            }
            if (enabled.isBoolean()) DeliverySwitch.set(c, enabled.booleanValue());
            sourcePlan.apply(c);
            for (var plan : plans) plan.apply(c);
            audit.record(c, actor, "config.restored", new AuditLog.Target("config", null, "backup (" + mode.name().toLowerCase() + ")"),
                    null, summaryJson(result));
            return result;
        });
        if (!dryRun) sourcesChanged.run();
        return summary;
    }

    /** The summary as the API answers it. */
    public static ObjectNode summaryJson(Summary s) {
        ObjectNode o = Json.object();
        o.put("applied", s.applied());
        o.put("services", s.services());
        o.put("subscriptions", s.subscriptions());
        o.put("services_removed", s.servicesRemoved());
        o.put("subscriptions_removed", s.subscriptionsRemoved());
        o.put("sources", s.sources());
        o.put("sources_removed", s.sourcesRemoved());
        for (SectionCount n : s.others()) o.put(n.key(), n.restored()).put(n.key() + "_removed", n.removed());
        ArrayNode changes = o.putArray("changes");
        for (Change ch : s.changes()) {
            changes.addObject().put("kind", ch.kind()).put("action", ch.action()).put("id", ch.id()).put("name", ch.name());
        }
        s.warnings().forEach(o.putArray("warnings")::add);
        return o;
    }

    /** Two views of one resource say the same, apart from when they were written. */
    static boolean sameConfig(ObjectNode a, ObjectNode b) {
        for (ObjectNode o : List.of(a, b)) {
            o.remove("created_at");
            o.remove("updated_at");
        }
        return a.equals(b);
    }

    private ObjectNode unsealSecrets(JsonNode sealed, String passphrase) {
        if (sealed == null || sealed.isNull()) return null;
        if (passphrase == null || passphrase.isEmpty()) {
            throw Problem.invalid("passphrase", "this backup carries secrets: give the passphrase it was made with");
        }
        try {
            byte[] salt = Base64.getDecoder().decode(sealed.path("salt").asText());
            String clear = SecretBox.fromPassphrase(passphrase, salt).decrypt(sealed.path("data").asText());
            return (ObjectNode) Json.read(clear);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw Problem.invalid("passphrase", "does not open this backup's secrets (wrong passphrase or damaged data)");
        }
    }

    private static void overlay(ObjectNode target, ObjectNode secrets) {
        if (secrets.has("token")) target.set("token", secrets.get("token"));
        if (target.has("auth") && secrets.has("auth")) {
            secrets.get("auth").properties().forEach(e -> ((ObjectNode) target.get("auth")).set(e.getKey(), e.getValue()));
        }
        if (target.has("tls") && secrets.has("tls")) {
            secrets.get("tls").properties().forEach(e -> ((ObjectNode) target.get("tls")).set(e.getKey(), e.getValue()));
        }
        if (target.has("signing") && secrets.has("signing")) {
            secrets.get("signing").properties().forEach(e -> ((ObjectNode) target.get("signing")).set(e.getKey(), e.getValue()));
        }
    }

    /** Runs a parser; its field errors are re-filed under {@code at} (e.g. {@code services[2].url}). */
    private static <T> T collect(FieldErrors errors, String at, List<String> masked, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (Problem e) {
            for (FieldError fe : e.errors()) {
                if (fe.line() != null) errors.add(at + "." + fe.field(), fe.message(), fe.line(), fe.column());
                else errors.add(at + "." + fe.field(), BackupSection.explained(fe, masked, "service"));
            }
            if (e.errors().isEmpty()) errors.add(at, e.getMessage());
            return null;
        }
    }

    public static void checkPassphrase(String passphrase) {
        if (passphrase == null || passphrase.length() < MIN_PASSPHRASE) {
            throw Problem.invalid("passphrase", "secrets are only exported sealed with a passphrase of at least "
                    + MIN_PASSPHRASE + " characters (header X-Backup-Passphrase)");
        }
    }
}
