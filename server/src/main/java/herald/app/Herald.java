package herald.app;

import herald.access.ApiKeys;
import herald.access.UiSessions;
import herald.access.Users;
import herald.audit.AuditLog;
import herald.ids.Ids;
import herald.inspector.Inspector;
import herald.usecase.AuditUseCases;
import herald.usecase.DashboardUseCases;
import herald.usecase.InspectorUseCases;
import herald.usecase.TestSendUseCases;
import herald.usecase.UserUseCases;
import herald.usecase.HookUseCases;
import herald.usecase.GatewayUseCases;
import herald.usecase.OpenEdxSourceUseCases;
import herald.usecase.WebfilterUseCases;
import herald.hooks.HookStore;
import herald.amqp.AmqpConnections;
import herald.amqp.AmqpPublisher;
import herald.amqp.ReplyQueues;
import herald.openedx.EventBusStore;
import herald.ops.OperationalEvents;
import herald.openedx.OpenEdxSchemas;
import herald.openedx.OpenEdxSources;
import herald.webfilter.FilterTypes;
import herald.webfilter.WebfilterRunner;
import herald.webfilter.WebfilterStore;
import herald.web.WebUi;
import herald.access.Scope;
import herald.api.ApiServer;
import herald.api.Auth;
import herald.api.Traffic;
import herald.catalog.EventCatalog;
import herald.catalog.SampleEvents;
import herald.cli.HeraldCli;
import herald.config.BuildInfo;
import herald.config.ConfigException;
import herald.config.HeraldConfig;
import herald.crypto.SecretBox;
import herald.delivery.DeliveryIntake;
import herald.delivery.DeliveryStore;
import herald.delivery.DeliverySwitch;
import herald.delivery.Dispatcher;
import herald.delivery.RequestPreview;
import herald.delivery.Retention;
import herald.event.EventQueries;
import herald.ingest.EventWriter;
import herald.outbound.OutboundCall;
import herald.outbound.OutboundClients;
import herald.outbound.OutboundGuard;
import herald.outbound.OutboundHeaders;
import herald.outbound.ServiceStates;
import herald.rendering.Formats;
import herald.privacy.Erasure;
import herald.rendering.Pseudonyms;
import herald.rendering.Renderer;
import herald.rendering.SiteLocator;
import herald.routing.Router;
import herald.sources.SourceStore;
import herald.sources.Sources;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.usecase.BackupUseCases;
import herald.usecase.CatalogUseCases;
import herald.usecase.DeliveryUseCases;
import herald.usecase.ErasureUseCases;
import herald.usecase.EventUseCases;
import herald.usecase.ImportUseCases;
import herald.usecase.IngestUseCases;
import herald.usecase.KeyUseCases;
import herald.usecase.ServiceUseCases;
import herald.usecase.SettingsUseCases;
import herald.usecase.SourceUseCases;
import herald.usecase.SubscriptionUseCases;
import herald.usecase.UseCases;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Herald: the one place that builds every part and hands each what it needs; the parts
 * know only what they are given.
 */
public final class Herald implements HeraldCli.Running {
    private static final Logger log = LoggerFactory.getLogger(Herald.class);
    /** The version of this build (the jar's). */
    public static final String VERSION = BuildInfo.VERSION;

    private final Database db;
    private final DataDirLock dataDirLock;
    private final EventWriter writer;
    private final Dispatcher dispatcher;
    private final OutboundClients clients;
    private final Sources sources;
    private final Retention retention;
    private final OpenEdxSources openedx;
    private final AmqpPublisher amqp;
    private final ReplyQueues replyQueues;
    private final OperationalEvents operational;
    private final WebfilterRunner webfilterRunner;
    private final ApiServer api;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable firstCredentials;
    private String generatedAdminKey;
    private String generatedAdminPassword;

    private Herald(HeraldConfig config) {
        OutboundGuard outboundGuard = new OutboundGuard(config.outbound().allow());
        // Built beside the database's opening and migration: the HTTP client (Jetty's classes and
        // threads) was a seventh of a start's main thread (14 of 91 samples), and needs nothing else.
        FutureTask<OutboundClients> clientsStarting = new FutureTask<>(
                () -> new OutboundClients(outboundGuard, config.delivery().concurrency()));
        Thread.ofPlatform().daemon().name("outbound-start").start(clientsStarting);
        Database opened = null;
        DataDirLock locked = null;
        try {
            this.dataDirLock = locked = DataDirLock.take(config.database().url());
            this.db = opened = openDatabase(config);
            SecretBox.NewKey masterKey = SecretBox.open(config.access().masterKey(), config.dataDir());
            SecretBox secrets = masterKey.box();
            ApiKeys apiKeys = new ApiKeys(db);
            apiKeys.setEnvironmentAdminKey(config.access().adminKey());
            Formats formats = new Formats();
            ConfigStore configStore = new ConfigStore(secrets, formats);
            checkMasterKey(db, secrets, configStore, config.access().masterKey().isEmpty()
                    ? "The master key in " + config.dataDir().resolve("master.key") + " (this node's own: HERALD_MASTER_KEY is not set)"
                    : "HERALD_MASTER_KEY", masterKey::keep); // kept only once it reads what is stored
            SourceStore sourceStore = new SourceStore(secrets);
            if (!config.sources().file().isEmpty()) { // before any thread starts, so that a bad file stops the start cleanly
                Sources.loadFile(db, sourceStore, Path.of(config.sources().file()));
            }
            Router router = new Router(configStore, formats);
            DeliverySwitch deliverySwitch = new DeliverySwitch(db);
            DeliveryStore deliveries = new DeliveryStore(db);
            ServiceStates serviceStates = new ServiceStates(db);
            // Payloads: formats and encodings. An event's site is its Moodle source's site_url, else its
            // source when that is a URL (sources is assigned below, before any delivery can run).
            SiteLocator moodleSites = this::moodleSiteUrl;
            Renderer renderer = new Renderer(formats, config.delivery().maxPayloadBytes(), moodleSites.orElse(SiteLocator.SOURCE_URL),
                    new Pseudonyms(secrets.derive("pseudonyms")));
            this.clients = built(clientsStarting);
            OutboundHeaders outboundHeaders = new OutboundHeaders("Herald/" + VERSION);
            AmqpConnections amqpConnections = new AmqpConnections(outboundGuard);
            this.amqp = new AmqpPublisher(amqpConnections, outboundHeaders);
            OutboundCall outbound = new OutboundCall(clients, outboundHeaders, amqp);
            this.dispatcher = new Dispatcher(db, deliveries, router, deliverySwitch, serviceStates, configStore, renderer, outbound,
                    metrics, config.delivery(), Ids.newId("node"));
            EventCatalog catalog = new EventCatalog(db, new SampleEvents());
            this.writer = new EventWriter(db, router, new DeliveryIntake(dispatcher, deliveries), config.ingest().writers(),
                    catalog::builtIn);
            // Moodle log-table sources: tailers store through the ingest writer, with their checkpoints.
            this.sources = new Sources(db, sourceStore, writer, router, formats, outboundGuard);
            sources.registerMetrics(metrics);
            registerGauges(deliveries);
            // Open edX event buses: every node is a consumer in each source's group; events go through the ingest writer.
            OpenEdxSchemas schemas = new OpenEdxSchemas();
            this.openedx = new OpenEdxSources(db, new EventBusStore(secrets), writer, schemas, outboundGuard, "herald-" + Ids.newId("node"));
            // Herald's own events (herald.*): told by the delivery engine and a watch of sources and dead letters.
            var ops = config.operational();
            this.operational = new OperationalEvents(db, writer, () -> sourceHealth(sourceStore), new OperationalEvents.Thresholds(
                    ops.failures(), ops.lagRows(), ops.lagS(), ops.deadLettersPerHour(), OperationalEvents.Thresholds.DEFAULT.watchMs()));
            dispatcher.signalTo(operational);
            // AMQP services' reply queues: each message becomes an event through the ingest writer.
            this.replyQueues = new ReplyQueues(db, configStore, amqpConnections, writer, config.http().maxBodyBytes());
            FilterTypes filterTypes = new FilterTypes();
            WebfilterStore webfilterStore = new WebfilterStore(db, filterTypes);
            HookStore hookStore = new HookStore(secrets);
            this.webfilterRunner = new WebfilterRunner(db, webfilterStore, filterTypes, configStore, serviceStates, outbound, metrics);
            this.retention = new Retention(db, config.delivery().retentionDays(), config.delivery().deadLetterRetentionDays());
            retention.start();

            EventQueries eventQueries = new EventQueries(db);
            AuditLog audit = new AuditLog(db);
            DeliveryUseCases deliveryUseCases = new DeliveryUseCases(deliveries, dispatcher::wake,
                    new RequestPreview(db, configStore, deliveries, renderer, outboundHeaders), audit);
            UserUseCases users = new UserUseCases(db, new Users(db), new UiSessions(db), audit);
            // Made once the port is bound (see start): a start that cannot listen must not make
            // credentials that are shown only once and would never be shown.
            this.firstCredentials = () -> {
                if (!apiKeys.hasEnvironmentKey() && apiKeys.count() == 0) {
                    generatedAdminKey = apiKeys.create("initial admin", EnumSet.of(Scope.ADMIN)).secret();
                }
                generatedAdminPassword = users.ensureInitialAdmin(config.access().adminUser(), config.access().adminPassword())
                        .orElse(null);
            };
            IngestUseCases ingestUseCases = new IngestUseCases(writer, config.ingest().maxBatch(), metrics);
            UseCases useCases = new UseCases(
                    ingestUseCases,
                    new EventUseCases(eventQueries),
                    new ServiceUseCases(db, configStore, serviceStates, deliveries, dispatcher, outboundGuard, audit, replyQueues),
                    new SubscriptionUseCases(db, configStore, formats, renderer, catalog, audit, outboundHeaders, eventQueries),
                    deliveryUseCases,
                    new SourceUseCases(db, sources, audit),
                    new SettingsUseCases(db, deliverySwitch, dispatcher, audit),
                    new KeyUseCases(db, apiKeys, audit),
                    new BackupUseCases(db, configStore, sourceStore, openedx.store(), webfilterStore, filterTypes, hookStore, formats, () -> {
                        sources.reconcile();
                        openedx.reconcile();
                    }, audit),
                    new ImportUseCases(db, configStore, formats, audit),
                    new CatalogUseCases(catalog),
                    users,
                    new AuditUseCases(audit),
                    new InspectorUseCases(new Inspector(db), audit),
                    new DashboardUseCases(db, dispatcher.stats(), deliveries, configStore, serviceStates, sources),
                    new TestSendUseCases(db, configStore, formats, renderer, outbound, catalog),
                    new OpenEdxSourceUseCases(db, openedx, sourceStore, audit),
                    new WebfilterUseCases(db, webfilterStore, filterTypes, webfilterRunner, configStore, audit),
                    new HookUseCases(db, hookStore, ingestUseCases, schemas, audit),
                    new GatewayUseCases(db, configStore, dispatcher.gateway()),
                    new ErasureUseCases(new Erasure(db, schemas), audit));
            this.api = new ApiServer(config.http(), useCases, new Auth(apiKeys), new Traffic(metrics, db::answers, dispatcher::runs), metrics,
                    new WebUi(useCases, config.http().maxBodyBytes()));
        } catch (RuntimeException | Error e) {
            // A start that failed lets go of what it opened (a master key that cannot read the secrets,
            // a bad sources file, a refused admin password).
            if (opened != null) opened.close();
            if (locked != null) locked.close();
            closeWhenBuilt(clientsStarting);
            throw e;
        }
    }

    private static OutboundClients built(FutureTask<OutboundClients> clients) {
        try {
            return clients.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the HTTP client started", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("cannot start the HTTP client: " + e.getCause(), e.getCause());
        }
    }

    /** A start that failed stops the HTTP client it began (its threads would outlive it). */
    private static void closeWhenBuilt(FutureTask<OutboundClients> clients) {
        try {
            built(clients).close();
        } catch (Exception e) {
            log.debug("outbound.stop error={}", e.toString());
        }
    }


    /** The sources this node reads, for the operational events' watch: Moodle log tables and Open edX buses. */
    private List<OperationalEvents.SourceHealth> sourceHealth(SourceStore sourceStore) {
        List<OperationalEvents.SourceHealth> out = new java.util.ArrayList<>();
        for (var s : db.read(sourceStore::all)) {
            var st = sources.status(s);
            String state = st.state().equals("backing_off") ? "failing" : st.state(); // a tailer backs off after each failure
            if (st.tailedHere()) out.add(new OperationalEvents.SourceHealth(s.id(), s.name(), "moodle", state, st.lagRows(), st.lagS(),
                    st.lastError()));
        }
        for (var s : db.read(openedx.store()::all)) {
            var st = openedx.status(s);
            if (st.state().equals("disabled")) continue;
            Long lag = st.topics().stream().map(OpenEdxSources.TopicStatus::lag).filter(java.util.Objects::nonNull).reduce(Long::sum).orElse(null);
            out.add(new OperationalEvents.SourceHealth(s.id(), s.name(), "openedx", st.state(), lag, null, st.lastError()));
        }
        return out;
    }

    private void registerGauges(DeliveryStore deliveries) {
        // Counting by status costs a query, so one scrape reads it once for every status.
        Map<String, Long> cache = new ConcurrentHashMap<>();
        long[] readAt = {0};
        for (String status : List.of("pending", "delivering", "retrying", "delivered", "dead", "paused")) {
            Gauge.builder("herald_deliveries", () -> {
                synchronized (readAt) {
                    if (System.currentTimeMillis() - readAt[0] > 1000) {
                        cache.clear();
                        cache.putAll(deliveries.countByStatus());
                        readAt[0] = System.currentTimeMillis();
                    }
                }
                return cache.getOrDefault(status, 0L);
            }).tag("status", status).register(metrics);
        }
        Gauge.builder("herald_dispatcher_in_flight", dispatcher, Dispatcher::inFlight).register(metrics);
    }

    public static Herald start(HeraldConfig config) {
        Herald h = new Herald(config);
        try {
            h.api.start();
        } catch (RuntimeException e) {
            h.close();
            throw cannotListen(config, e);
        }
        h.firstCredentials.run();
        h.sources.start();
        h.openedx.start();
        h.replyQueues.start();
        h.operational.start();
        log.info("herald.started version={} address=http://{}:{} database={}", VERSION, config.http().host(), h.port(),
                h.db.dialect());
        return h;
    }

    @Override
    public int port() {
        return api.port();
    }

    /** The admin key made on first start, when no key existed; null otherwise. Shown once. */
    @Override
    public String generatedAdminKey() {
        return generatedAdminKey;
    }

    /** The one-time password of the {@code admin} user made on first start; null otherwise. Shown once. */
    @Override
    public String generatedAdminPassword() {
        return generatedAdminPassword;
    }

    public Database database() {
        return db;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Sources sources() {
        return sources;
    }

    public OperationalEvents operationalEvents() {
        return operational;
    }

    public Retention retention() {
        return retention;
    }

    /** Every HTTP route served, for tests that must cover them all. */
    public List<String[]> routes() {
        return api.routes();
    }

    /**
     * Graceful stop: refuse new requests, let running ones finish, commit every queued event, let
     * in-flight deliveries finish, then close the database.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) return;
        api.drain(); // 503 from here on; the port closes last
        operational.close();
        sources.close(); // before the writer: a tailer's last commit goes through it
        openedx.close(); // likewise: a consumer acknowledges only what the writer committed
        replyQueues.close(); // likewise
        writer.close();
        webfilterRunner.close();
        retention.close();
        dispatcher.close();
        amqp.close(); // after the dispatcher: its last publishes are confirmed
        api.stop();
        try {
            clients.close();
        } catch (Exception e) {
            log.warn("outbound.stop error={}", e.toString());
        }
        db.close();
        if (dataDirLock != null) dataDirLock.close();
        log.info("herald.stopped");
    }

    /** The port taken (or the address not this machine's): said in one line, as a configuration problem. */
    private static RuntimeException cannotListen(HeraldConfig config, RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException bind) {
                return new ConfigException(List.of("HERALD_HTTP_HOST/HERALD_HTTP_PORT: cannot listen on " + config.http().host()
                        + ":" + config.http().port() + ": " + bind.getMessage()));
            }
        }
        return e;
    }

    /** The site_url of the Moodle source an event came from, when it has one. */
    private Optional<String> moodleSiteUrl(String sourceId) {
        return sources.siteUrl(sourceId).filter(u -> !u.isBlank());
    }

    /**
     * A master key that cannot read the stored secrets (another node's, or not the one they were
     * written with) stops the start with the reason: otherwise every ingest and delivery would fail.
     */
    /** The database, or one line saying why it cannot be used (exit code 2) rather than a pool's stack trace. */
    private static Database openDatabase(HeraldConfig config) {
        try {
            return Database.open(config.database().url(), config.database().user(), config.database().password());
        } catch (Database.Unreachable e) {
            throw new ConfigException(List.of("HERALD_DATABASE_URL: cannot reach the database at " + config.database() + ": "
                    + e.getMessage()));
        } catch (Database.NewerSchema e) {
            throw new ConfigException(List.of("HERALD_DATABASE_URL: " + e.getMessage()));
        }
    }

    /** What the first start seals with its master key (settings {@code master_key_check}), for every later start to open. */
    private static final String MASTER_KEY_CHECK = "herald master key check";

    /**
     * Refuses a key that cannot open what this database holds: its services' secrets, and the check
     * value the first start sealed. Without the check, two nodes started on an empty database with
     * keys of their own both started, and the second could read nothing the first wrote (ingest
     * 503, services 500) while it answered healthy. A new key is kept ({@code keep}) only once what
     * exists is read, and before the check value it seals is stored (a key lost after sealing would
     * lock every later start out). Inserted if absent, then read back: of two nodes starting
     * together, the one whose key did not seal it refuses.
     */
    private static void checkMasterKey(Database db, SecretBox secrets, ConfigStore configStore, String keyFrom, Runnable keep) {
        try {
            db.read(configStore::allServices);
            String existing = db.read(Herald::masterKeyCheck);
            if (existing != null) opens(secrets, existing);
            keep.run();
            if (existing == null) {
                db.inTransaction(c -> {
                    try (PreparedStatement put = c.prepareStatement(
                            "INSERT INTO settings (name, value) VALUES ('master_key_check', ?) ON CONFLICT (name) DO NOTHING")) {
                        put.setString(1, secrets.encrypt(MASTER_KEY_CHECK));
                        return put.executeUpdate();
                    }
                });
                opens(secrets, db.read(Herald::masterKeyCheck));
            }
        } catch (IllegalArgumentException cannotDecrypt) {
            throw new ConfigException(java.util.List.of(keyFrom + " cannot read the secrets stored in this database ("
                    + cannotDecrypt.getMessage() + "); start with the key they were written with (every node of one"
                    + " database needs the same key: set HERALD_MASTER_KEY alike on each)"));
        }
    }

    private static String masterKeyCheck(java.sql.Connection c) throws java.sql.SQLException {
        try (PreparedStatement get = c.prepareStatement("SELECT value FROM settings WHERE name = 'master_key_check'");
             ResultSet rs = get.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void opens(SecretBox secrets, String sealed) {
        if (!MASTER_KEY_CHECK.equals(secrets.decrypt(sealed))) throw new IllegalArgumentException("the check value differs");
    }
}
