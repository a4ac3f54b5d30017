package herald.delivery;

import herald.ids.Ids;
import herald.store.Database;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL LISTEN/NOTIFY between Herald nodes: work committed on one node wakes the others'
 * dispatchers at once instead of at their next poll. Announcements are coalesced: while one NOTIFY
 * is being sent, further ones collapse into a single next one.
 */
final class NodeSignals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeSignals.class);
    private static final String CHANNEL = "herald_deliveries";

    private final Database db;
    private final Runnable onRemoteWork;
    private final String node = Ids.newId("node");
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private volatile boolean running = true;
    private final Thread listener;

    NodeSignals(Database db, Runnable onRemoteWork) {
        this.db = db;
        this.onRemoteWork = onRemoteWork;
        this.listener = Thread.ofPlatform().daemon().name("node-signals").start(this::listen);
    }

    /** Tells the other nodes that new work is committed. */
    void announce() {
        pending.set(true);
        if (sending.compareAndSet(false, true)) Thread.ofVirtual().start(this::sendPending);
    }

    private void sendPending() {
        try {
            while (running && pending.getAndSet(false)) {
                db.read(c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("SELECT pg_notify('" + CHANNEL + "', '" + node + "')");
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            log.warn("node_signals.notify_failed error={}", e.toString());
        } finally {
            sending.set(false);
            if (pending.get() && running) announce(); // raced with the loop's last check
        }
    }

    /** Notifications received from other nodes; tests await it. */
    long received() {
        return received.get();
    }

    private void listen() {
        while (running) {
            try {
                db.read(c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("LISTEN " + CHANNEL);
                    }
                    PGConnection pg = c.unwrap(PGConnection.class);
                    try {
                        while (running) {
                            PGNotification[] got = pg.getNotifications(500);
                            if (got == null) continue;
                            for (PGNotification n : got) {
                                if (!node.equals(n.getParameter())) {
                                    received.incrementAndGet();
                                    onRemoteWork.run();
                                    break;
                                }
                            }
                        }
                    } finally {
                        try (Statement st = c.createStatement()) {
                            st.execute("UNLISTEN *"); // the connection goes back to the pool
                        }
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                if (!running) return;
                log.warn("node_signals.listen_failed error={}", e.toString());
                try {
                    Thread.sleep(1000); // the database is away; polling still delivers meanwhile
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            listener.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
