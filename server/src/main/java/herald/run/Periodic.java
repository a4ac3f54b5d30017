package herald.run;

import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task run every interval on a virtual thread of its own until closed: how the parts that keep
 * running workers in line with the database (Moodle sources, Open edX consumers, AMQP reply queues)
 * look at it again. A failure is logged and the task is tried again at the next turn.
 */
public final class Periodic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final Thread thread;
    private volatile boolean closed;

    private Periodic(String name, long intervalMs, String failedEvent, Runnable task) {
        this.thread = Thread.ofVirtual().name(name).start(() -> {
            while (!closed) {
                LockSupport.parkNanos(intervalMs * 1_000_000);
                if (closed) return;
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("{} error={}", failedEvent, e.toString());
                }
            }
        });
    }

    /** Runs {@code task} every {@code intervalMs} from now (not at once); a failure is logged as {@code failedEvent}. */
    public static Periodic every(String name, long intervalMs, String failedEvent, Runnable task) {
        return new Periodic(name, intervalMs, failedEvent, task);
    }

    /** No further turn; waits (at most 5 s) for one under way to end. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
