package herald.app;

import herald.cli.HeraldCli;
import herald.config.HeraldConfig;
import herald.crypto.SecretBox;
import herald.rendering.Formats;
import herald.sources.SourceStore;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.usecase.BackupUseCases;

/** The entry point: the command line, with the application it starts and opens. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(HeraldCli.run(new HeraldCli.App() {
            @Override
            public HeraldCli.Running start(HeraldConfig config) {
                return Herald.start(config);
            }

            @Override
            public HeraldCli.Offline open(HeraldConfig config) {
                Database db = Database.open(config.database().url(), config.database().user(), config.database().password());
                SecretBox secrets = SecretBox.fromConfig(config.access().masterKey(), config.dataDir());
                Formats formats = new Formats();
                BackupUseCases backup = new BackupUseCases(db, new ConfigStore(secrets, formats), new SourceStore(secrets),
                        formats, () -> { });
                return new HeraldCli.Offline() {
                    @Override
                    public BackupUseCases backup() {
                        return backup;
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
