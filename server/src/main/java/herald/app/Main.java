package herald.app;

import herald.audit.AuditLog;
import herald.cli.HeraldCli;
import herald.config.BuildInfo;
import herald.config.HeraldConfig;
import herald.crypto.SecretBox;
import herald.delivery.DeliveryStore;
import herald.delivery.RequestPreview;
import herald.outbound.OutboundHeaders;
import herald.hooks.HookStore;
import herald.openedx.EventBusStore;
import herald.openedx.OpenEdxSchemas;
import herald.rendering.Formats;
import herald.privacy.Erasure;
import herald.rendering.Pseudonyms;
import herald.rendering.Renderer;
import herald.rendering.SiteLocator;
import herald.sources.SourceStore;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.usecase.BackupUseCases;
import herald.usecase.DeliveryUseCases;
import herald.usecase.ErasureUseCases;
import herald.usecase.ImportUseCases;
import herald.webfilter.FilterTypes;
import herald.webfilter.WebfilterStore;

/** The entry point: the command line, with the application it starts and opens. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(HeraldCli.run(new HeraldCli.App() {
            @Override
            public HeraldCli.Running start(HeraldConfig config) {
                return Herald.start(config);
            }

            /** The use cases that work on the database alone; a running Herald picks up their changes at its next poll. */
            @Override
            public HeraldCli.Offline open(HeraldConfig config) {
                Database db = Database.open(config.database().url(), config.database().user(), config.database().password());
                SecretBox secrets = SecretBox.fromConfig(config.access().masterKey(), config.dataDir());
                Formats formats = new Formats();
                ConfigStore configs = new ConfigStore(secrets, formats);
                AuditLog audit = new AuditLog(db);
                FilterTypes filterTypes = new FilterTypes();
                BackupUseCases backup = new BackupUseCases(db, configs, new SourceStore(secrets), new EventBusStore(secrets),
                        new WebfilterStore(db, filterTypes), filterTypes, new HookStore(secrets), formats, () -> { }, audit);
                DeliveryStore deliveries = new DeliveryStore(db);
                Renderer renderer = new Renderer(formats, config.delivery().maxPayloadBytes(), SiteLocator.SOURCE_URL,
                        new Pseudonyms(secrets.derive("pseudonyms")));
                DeliveryUseCases deliveryUseCases = new DeliveryUseCases(deliveries, () -> { },
                        new RequestPreview(db, configs, deliveries, renderer, new OutboundHeaders("Herald/" + BuildInfo.VERSION)), audit);
                ImportUseCases imports = new ImportUseCases(db, configs, formats, audit);
                ErasureUseCases erasure = new ErasureUseCases(new Erasure(db, new OpenEdxSchemas()), audit);
                return new HeraldCli.Offline() {
                    @Override
                    public BackupUseCases backup() {
                        return backup;
                    }

                    @Override
                    public ErasureUseCases erasure() {
                        return erasure;
                    }

                    @Override
                    public DeliveryUseCases deliveries() {
                        return deliveryUseCases;
                    }

                    @Override
                    public ImportUseCases imports() {
                        return imports;
                    }

                    @Override
                    public void close() {
                        db.close();
                    }
                };
            }
        }, args));
    }
}
