package herald.cli;

import herald.audit.Actor;
import herald.problem.Problem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herald import local-webhooks FILE}: a local_webhooks backup's services and events into Herald. */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Import another system's configuration.",
        subcommands = ImportCommand.LocalWebhooks.class)
final class ImportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("name what to import: herald import local-webhooks FILE");
        return UsageError.EXIT;
    }

    @Command(name = "local-webhooks", mixinStandardHelpOptions = true,
            description = "A Moodle local_webhooks backup file (webhooks_<time>.backup): each service becomes"
                    + " a service with a moodle-format subscription to its events. All or nothing.")
    static final class LocalWebhooks implements Callable<Integer> {
        private final HeraldCli.App app;

        @Parameters(index = "0", description = "The backup file.")
        Path file;

        @Option(names = "--site-url", description = "The Moodle site's address ($CFG->wwwroot), which the plugin sent as host.")
        String siteUrl;

        LocalWebhooks(HeraldCli.App app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            byte[] backup;
            try {
                backup = CliInput.read(file);
            } catch (UsageError e) {
                return e.report();
            }
            try (HeraldCli.Offline herald = CliInput.open(app)) {
                var imported = herald.imports().localWebhooks(Actor.cli(), backup, siteUrl);
                for (var i : imported) {
                    System.out.printf("%s  %s  %d events%n", i.serviceId(), i.name(), i.events().size());
                    i.warnings().forEach(w -> System.out.println("  warning: " + w));
                }
                System.out.println("imported " + imported.size() + " services");
                return 0;
            } catch (Problem e) {
                return HeraldCli.report(e);
            } catch (UsageError e) {
                return e.report();
            }
        }
    }
}
