package herald.app;

import herald.backup.BackupService;
import herald.config.ConfigException;
import herald.config.HeraldConfig;
import herald.event.Json;
import herald.security.SecretBox;
import herald.sources.SourceStore;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.web.ApiException;
import herald.web.FieldError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line: {@code herald start}, {@code herald backup}, {@code herald restore}. */
@Command(name = "herald", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Webhook and integration hub for learning platforms.",
        subcommands = {Main.Start.class, Main.Backup.class, Main.Restore.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static HeraldConfig config() {
        HeraldConfig cfg = HeraldConfig.load(System.getenv());
        // Read by logback.xml; must be set before the first logger is made.
        System.setProperty("herald.log.format", cfg.logFormat());
        return cfg;
    }

    @Command(name = "start", description = "Run the server until stopped (SIGTERM or Ctrl-C stops it gracefully).")
    static final class Start implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            HeraldConfig cfg;
            try {
                cfg = config();
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            Herald herald = Herald.start(cfg);
            if (herald.generatedAdminKey() != null) {
                System.out.println();
                System.out.println("  Admin API key (shown only this once, store it now):");
                System.out.println("    " + herald.generatedAdminKey());
                System.out.println();
            }
            System.out.println("Herald " + Herald.VERSION + " listening on http://" + cfg.httpHost() + ":" + herald.port());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                herald.close();
                // Flushes the log's background writer: the last lines of a graceful stop are kept.
                if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) logs.stop();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "backup", description = "Write the configuration (services, subscriptions, settings) as JSON.")
    static final class Backup implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, description = "File to write (default: standard output).")
        Path output;

        @Option(names = "--include-secrets", description = "Include secrets, sealed with the passphrase in $HERALD_BACKUP_PASSPHRASE.")
        boolean includeSecrets;

        @Override
        public Integer call() throws IOException {
            try (Database db = openDatabase()) {
                HeraldConfig cfg = config();
                var secrets = SecretBox.fromConfig(cfg.masterKey(), cfg.dataDir());
                var service = new BackupService(db, new ConfigStore(secrets), new SourceStore(secrets));
                String doc = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                        service.export(includeSecrets, System.getenv("HERALD_BACKUP_PASSPHRASE")));
                if (output == null) System.out.println(doc); else Files.writeString(output, doc + "\n");
                return 0;
            } catch (ApiException e) {
                return report(e);
            }
        }
    }

    @Command(name = "restore", description = "Restore a backup document: all of it, or nothing when any part is invalid.")
    static final class Restore implements Callable<Integer> {
        @Parameters(index = "0", description = "The backup file.")
        Path input;

        @Option(names = "--mode", defaultValue = "merge", description = "replace (remove what the backup lacks) or merge. Default: ${DEFAULT-VALUE}.")
        String mode;

        @Override
        public Integer call() throws IOException {
            if (!mode.equals("replace") && !mode.equals("merge")) {
                System.err.println("--mode must be replace or merge");
                return 2;
            }
            try (Database db = openDatabase()) {
                HeraldConfig cfg = config();
                var secrets = SecretBox.fromConfig(cfg.masterKey(), cfg.dataDir());
                var service = new BackupService(db, new ConfigStore(secrets), new SourceStore(secrets));
                var s = service.restore(Json.read(Files.readString(input)),
                        mode.equals("replace") ? BackupService.Mode.REPLACE : BackupService.Mode.MERGE,
                        System.getenv("HERALD_BACKUP_PASSPHRASE"));
                System.out.printf("restored %d services and %d subscriptions (%s); removed %d services and %d subscriptions;"
                                + " sources: %d restored, %d removed%n", s.services(), s.subscriptions(), mode,
                        s.servicesRemoved(), s.subscriptionsRemoved(), s.sources(), s.sourcesRemoved());
                return 0;
            } catch (ApiException e) {
                return report(e);
            } catch (IllegalArgumentException e) {
                System.err.println(input + ": " + e.getMessage());
                return 1;
            }
        }
    }

    static Database openDatabase() {
        HeraldConfig cfg = config();
        return Database.open(cfg.databaseUrl(), cfg.databaseUser(), cfg.databasePassword());
    }

    private static int report(ApiException e) {
        System.err.println("error: " + e.getMessage());
        for (FieldError fe : e.errors()) System.err.println("  " + fe.field() + ": " + fe.message());
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Herald " + Herald.VERSION};
        }
    }
}
