package herald.cli;

import herald.audit.Actor;
import herald.config.BuildInfo;
import herald.config.ConfigException;
import herald.config.HeraldConfig;
import herald.json.Json;
import herald.problem.FieldError;
import herald.problem.Problem;
import herald.usecase.BackupUseCases;
import herald.usecase.ErasureUseCases;
import herald.usecase.DeliveryUseCases;
import herald.usecase.ImportUseCases;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line: {@code herald start}, {@code backup}, {@code restore}, {@code replay},
 * {@code verify}, {@code import local-webhooks}.
 */
@Command(name = "herald", mixinStandardHelpOptions = true, versionProvider = HeraldCli.Version.class,
        description = "Webhook and integration hub for learning platforms.",
        subcommands = {HeraldCli.Start.class, HeraldCli.Backup.class, HeraldCli.Restore.class, ReplayCommand.class,
                VerifyCommand.class, ImportCommand.class, EraseCommand.class, TrainCommand.class})
public final class HeraldCli implements Runnable {
    /** What the commands need of the application, which builds them. */
    public interface App {
        /** Herald running until closed. */
        Running start(HeraldConfig config);

        /** The use cases that work on the database alone, without a running server. */
        Offline open(HeraldConfig config);
    }

    public interface Running extends AutoCloseable {
        int port();

        /** The admin key made on first start, or null. */
        String generatedAdminKey();

        /** The one-time password of the admin UI's first user, made on first start, or null. */
        String generatedAdminPassword();

        @Override
        void close();
    }

    public interface Offline extends AutoCloseable {
        BackupUseCases backup();

        ErasureUseCases erasure();

        DeliveryUseCases deliveries();

        ImportUseCases imports();

        @Override
        void close();
    }

    private final App app;

    private HeraldCli(App app) {
        this.app = app;
    }

    /** Runs the command line {@code args}; returns the exit code. */
    public static int run(App app, String... args) {
        HeraldCli cli = new HeraldCli(app);
        return new CommandLine(cli, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == Start.class) return cls.cast(new Start(cli.app));
                if (cls == Backup.class) return cls.cast(new Backup(cli.app));
                if (cls == Restore.class) return cls.cast(new Restore(cli.app));
                if (cls == ReplayCommand.class) return cls.cast(new ReplayCommand(cli.app));
                if (cls == EraseCommand.class) return cls.cast(new EraseCommand(cli.app));
                if (cls == TrainCommand.class) return cls.cast(new TrainCommand(cli.app));
                if (cls == ImportCommand.LocalWebhooks.class) return cls.cast(new ImportCommand.LocalWebhooks(cli.app));
                return CommandLine.defaultFactory().create(cls);
            }
        }).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static HeraldConfig config() {
        HeraldConfig cfg = HeraldConfig.load(System.getenv());
        // Read by herald.app.LogSetup; must be set before the first logger is made.
        System.setProperty(HeraldConfig.LOG_FORMAT_PROPERTY, cfg.logFormat());
        return cfg;
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Run the server until stopped (SIGTERM or Ctrl-C stops it gracefully).")
    static final class Start implements Callable<Integer> {
        private final App app;

        Start(App app) {
            this.app = app;
        }

        @Override
        public Integer call() throws InterruptedException {
            HeraldConfig cfg;
            try {
                cfg = config();
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            // The stop is hooked before the start: a SIGTERM as soon as the port answers (before the
            // lines below) still stops gracefully, and the log's last lines are flushed.
            java.util.concurrent.atomic.AtomicReference<Running> started = new java.util.concurrent.atomic.AtomicReference<>();
            CountDownLatch startOver = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    if (startOver.await(60, java.util.concurrent.TimeUnit.SECONDS) && started.get() != null) started.get().close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // Flushes the log's background writer: the last lines of a graceful stop are kept.
                if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) logs.stop();
                stopped.countDown();
            }, "shutdown"));
            Running herald;
            try {
                herald = app.start(cfg);
                started.set(herald);
            } catch (ConfigException e) { // found only against the database, e.g. a master key that cannot read its secrets
                System.err.println(e.getMessage());
                return 2;
            } finally {
                startOver.countDown();
            }
            if (herald.generatedAdminKey() != null) {
                System.out.println();
                System.out.println("  Admin API key (shown only this once, store it now):");
                System.out.println("    " + herald.generatedAdminKey());
                System.out.println();
            }
            if (herald.generatedAdminPassword() != null) {
                System.out.println();
                System.out.println("  Admin UI: user 'admin', one-time password (shown only this once; you choose your own");
                System.out.println("  at the first sign-in): " + herald.generatedAdminPassword());
                System.out.println("  Sign in at http://" + cfg.http().host() + ":" + herald.port() + "/admin");
                System.out.println();
            }
            // With JSON logs, standard output stays JSON lines: the herald.started line has the address.
            if (!"json".equals(cfg.logFormat())) {
                System.out.println("Herald " + BuildInfo.VERSION + " listening on http://" + cfg.http().host() + ":" + herald.port());
            }
            stopped.await();
            return 0;
        }
    }

    /** Where the CLI takes the backup passphrase from (the HTTP API's header is X-Backup-Passphrase). */
    static final String PASSPHRASE_ENV = "HERALD_BACKUP_PASSPHRASE";

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write the configuration (services, subscriptions, settings) as JSON.")
    static final class Backup implements Callable<Integer> {
        private final App app;

        @Option(names = {"-o", "--output"}, description = "File to write (default: standard output).")
        Path output;

        @Option(names = "--include-secrets",
                description = "Include secrets, sealed with the passphrase in $" + PASSPHRASE_ENV + ".")
        boolean includeSecrets;

        Backup(App app) {
            this.app = app;
        }

        @Override
        public Integer call() throws IOException {
            String passphrase = System.getenv(PASSPHRASE_ENV);
            if (includeSecrets) {
                try {
                    BackupUseCases.checkPassphrase(passphrase);
                } catch (Problem e) { // its text names the HTTP header: say how the CLI takes it
                    System.err.println("error: --include-secrets needs the environment variable " + PASSPHRASE_ENV
                            + " set to a passphrase of at least " + BackupUseCases.MIN_PASSPHRASE + " characters, to seal the secrets with");
                    return UsageError.EXIT;
                }
            }
            try (Offline herald = CliInput.open(app)) {
                String doc = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                        herald.backup().export(includeSecrets, passphrase));
                if (output == null) System.out.println(doc); else CliInput.writeString(output, doc + "\n");
                return 0;
            } catch (Problem e) {
                return report(e);
            } catch (UsageError e) {
                return e.report();
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a backup document: all of it, or nothing when any part is invalid."
                    + " Exit 1 when the document is refused, 2 when it cannot be read or its passphrase is missing or wrong.")
    static final class Restore implements Callable<Integer> {
        private final App app;

        @Parameters(index = "0", description = "The backup file.")
        Path input;

        @Option(names = "--mode", defaultValue = "merge", description = "replace (remove what the backup lacks) or merge. Default: ${DEFAULT-VALUE}.")
        String mode;

        Restore(App app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            if (!mode.equals("replace") && !mode.equals("merge")) {
                System.err.println("--mode must be replace or merge");
                return UsageError.EXIT;
            }
            String text;
            try {
                text = CliInput.readString(input); // before opening the database: nothing to do without it
            } catch (UsageError e) {
                return e.report();
            }
            try (Offline herald = CliInput.open(app)) {
                var s = herald.backup().restore(Actor.cli(), Json.read(text),
                        mode.equals("replace") ? BackupUseCases.Mode.REPLACE : BackupUseCases.Mode.MERGE,
                        System.getenv(PASSPHRASE_ENV), false);
                StringBuilder others = new StringBuilder();
                for (var n : s.others()) others.append("; ").append(n.key().replace('_', ' ')).append(": ").append(n.restored())
                        .append(" restored, ").append(n.removed()).append(" removed");
                System.out.printf("restored %d services and %d subscriptions (%s); removed %d services and %d subscriptions;"
                                + " sources: %d restored, %d removed%s%n", s.services(), s.subscriptions(), mode,
                        s.servicesRemoved(), s.subscriptionsRemoved(), s.sources(), s.sourcesRemoved(), others);
                for (String w : s.warnings()) System.out.println("warning: " + w);
                return 0;
            } catch (Problem e) {
                report(e);
                if (e.errors().stream().noneMatch(fe -> fe.field().equals("passphrase"))) return 1;
                System.err.println("  (the passphrase is read from the environment variable " + PASSPHRASE_ENV + ")");
                return UsageError.EXIT;
            } catch (IllegalArgumentException e) {
                System.err.println(input + ": " + e.getMessage());
                return 1;
            } catch (UsageError e) {
                return e.report();
            }
        }
    }

    static int report(Problem e) {
        System.err.println("error: " + e.getMessage());
        for (FieldError fe : e.errors()) System.err.println("  " + fe.field() + ": " + fe.message());
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Herald " + BuildInfo.VERSION};
        }
    }
}
