package herald.cli;

import herald.audit.Actor;
import herald.json.Json;
import herald.problem.Problem;
import herald.usecase.ErasureUseCases;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald erase --user-id N}: a learner erased from everything Herald keeps, as {@code POST /api/v1/erasure} does. */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Erase a learner: their events, deliveries (dead letters too), attempts and webfilter calls."
        + " Prints what was removed. An audit record says that an erasure was done, not for whom.")
final class EraseCommand implements Callable<Integer> {
    private final HeraldCli.App app;

    @Option(names = "--user-id", required = true, description = "The learner's id in the LMS.")
    String userId;

    @Option(names = "--source", description = "Only the events of this source (as the events list shows it: a Moodle source's id,"
            + " an Open edX event's source): with several LMSs behind one Herald, the same id is another person on each.")
    String source;

    EraseCommand(HeraldCli.App app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        try (HeraldCli.Offline herald = CliInput.open(app)) {
            var body = Json.object().put("user_id", userId);
            if (source != null) body.put("source", source);
            var done = herald.erasure().erase(Actor.cli(), body);
            System.out.println(Json.write(ErasureUseCases.view(done)));
            return 0;
        } catch (Problem e) {
            return HeraldCli.report(e);
        } catch (UsageError e) {
            return e.report();
        }
    }
}
