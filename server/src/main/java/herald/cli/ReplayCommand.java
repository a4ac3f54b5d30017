package herald.cli;

import herald.audit.Actor;
import herald.json.Json;
import herald.problem.Problem;
import herald.text.Words;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald replay}: dead letters (or others) due again, by id, by filter, or all (Integration Hub's replay_dlq.php). */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Make dead letters due again: one (--id), those a filter selects, or all (--all)."
        + " Each keeps its id, so its webhook-id. A running Herald sends them at its next poll.")
final class ReplayCommand implements Callable<Integer> {
    private final HeraldCli.App app;

    @Option(names = "--id", description = "One delivery's id.")
    String id;

    @Option(names = "--all", description = "Every delivery of the status (dead by default).")
    boolean all;

    @Option(names = "--status", defaultValue = "dead", description = "dead, delivered, retrying or pending. Default: ${DEFAULT-VALUE}.")
    String status;

    @Option(names = "--service-id") String serviceId;
    @Option(names = "--subscription-id") String subscriptionId;
    @Option(names = "--event-type") String eventType;
    @Option(names = "--course-id") String courseId;
    @Option(names = "--user-id") String userId;
    @Option(names = "--since", description = "RFC 3339: created at or after.") String since;
    @Option(names = "--until", description = "RFC 3339: created before.") String until;
    @Option(names = "--error", description = "A piece of the last error (any case).") String error;
    @Option(names = "--limit", description = "At most this many (default and most: 100000 per run).") Integer limit;

    ReplayCommand(HeraldCli.App app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        boolean filtered = serviceId != null || subscriptionId != null || eventType != null || courseId != null || userId != null
                || since != null || until != null || error != null;
        if ((id != null ? 1 : 0) + (all ? 1 : 0) + (filtered ? 1 : 0) != 1) {
            System.err.println("give exactly one of --id, --all, or filter options (--service-id, --event-type, ...)");
            return UsageError.EXIT;
        }
        try (HeraldCli.Offline herald = CliInput.open(app)) {
            if (id != null) {
                var d = herald.deliveries().retry(Actor.cli(), id);
                System.out.println("replayed " + d.id() + " (status " + d.status() + ")");
                return 0;
            }
            var body = Json.object().put("status", status);
            if (serviceId != null) body.put("service_id", serviceId);
            if (subscriptionId != null) body.put("subscription_id", subscriptionId);
            if (eventType != null) body.put("event_type", eventType);
            if (courseId != null) body.put("course_id", courseId);
            if (userId != null) body.put("user_id", userId);
            if (since != null) body.put("since", since);
            if (until != null) body.put("until", until);
            if (error != null) body.put("error", error);
            if (limit != null) body.put("limit", limit);
            int n = herald.deliveries().replay(Actor.cli(), body);
            System.out.println("replayed " + Words.count(n, "delivery", "deliveries"));
            return 0;
        } catch (Problem e) {
            return HeraldCli.report(e);
        } catch (UsageError e) {
            return e.report();
        }
    }
}
