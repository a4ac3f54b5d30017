package herald.delivery;

import herald.config.HeraldConfig.DeliverySettings;
import herald.outbound.OutboundCall;
import herald.outbound.ServiceStates;
import herald.rendering.Renderer;
import herald.routing.Router;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due deliveries and sends them. A commit of new events wakes it at once (on other nodes
 * too, through PostgreSQL NOTIFY); otherwise it polls. While the global switch is off nothing is
 * claimed, so deliveries wait. Per service: paused services and open breakers are skipped, a
 * half-open breaker gets one probe, limited services are claimed within their shared budget, and a
 * slow service cannot take the slots the others need (see {@link SendSlot#SLOW_MS}).
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** How often the shared per-service states are re-read; pausing on another node shows within this. */
    private static final long STATES_TTL_MS = 200;
    /**
     * A hand-off decides on this node's last read of the services' states; older than this, it reads
     * them itself. The claims' bound, so a pause on another node holds within it (it was a second).
     */
    private static final long HANDOFF_STATES_MAX_AGE_MS = STATES_TTL_MS;

    private final Database db;
    private final DeliveryStore store;
    private final DeliveryClaims claims;
    private final ServiceStates states;
    private final Router router;
    private final DeliverySwitch deliverySwitch;
    private final DeliverySender sender;
    private final Semaphore permits;
    /**
     * Claimed deliveries not yet recorded (slow sends aside): claims run ahead of sends, and outcomes
     * wait to be recorded in groups, but boundedly. 16 x concurrency: 4 x left the claim loop
     * waiting, and with 8 x an ordered run's keys went on 512 at a time (each key's next delivery
     * takes the room of the one before), so 1,000 busy keys took two turns.
     */
    private final Semaphore room;
    private final BodyBudget budget;
    private final SendSlot.Shared slots;
    private static final int MAX_CLAIM = 500;
    private final int concurrency;
    private final long leaseMs;
    private final DeliveryMetrics meters;
    private final FinishWriter finishes;
    private final DeliveryStats stats;
    private final Gateway gateway;
    private final NodeSignals signals;
    private final ScheduledThreadPoolExecutor slowTimer = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("dispatcher-slow").factory());
    /** Sends on this node running longer than {@link SendSlot#SLOW_MS}, per service id. */
    private final Map<String, AtomicInteger> slowByService = new ConcurrentHashMap<>();
    private final Object idle = new Object();
    private volatile Map<String, ServiceStates.State> stateSnapshot = Map.of();
    private volatile long statesReadAt;
    /** What a hand-off read itself when the loop's read was too old, kept as long: one read per bound, not one per commit. */
    private record StatesRead(Map<String, ServiceStates.State> states, long at) {}
    private static final StatesRead NONE_READ = new StatesRead(Map.of(), 0);
    private volatile StatesRead handoffRead = NONE_READ;
    private final Object signal = new Object();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong polls = new AtomicLong();
    private volatile boolean woken;
    /** Whether the last claim filled its batch, so older due deliveries may be waiting (see {@link #handoff}). */
    private volatile boolean behind = true;
    private volatile boolean running = true;
    private volatile ServiceSignals serviceSignals = ServiceSignals.NONE;
    private final Thread loop;

    /**
     * @param settings the engine's settings: concurrency (sends in flight) and lease
     */
    public Dispatcher(Database db, DeliveryStore store, Router router, DeliverySwitch deliverySwitch, ServiceStates states,
                      ConfigStore configs, Renderer renderer, OutboundCall outbound, MeterRegistry metrics,
                      DeliverySettings settings, String node) {
        this.db = db;
        this.store = store;
        this.claims = new DeliveryClaims(db);
        this.states = states;
        this.router = router;
        this.deliverySwitch = deliverySwitch;
        this.concurrency = settings.concurrency();
        this.leaseMs = settings.leaseS() * 1000L;
        this.meters = new DeliveryMetrics(metrics, store);
        this.finishes = new FinishWriter(db, store, this::nextOfKeys, this::wakeLocal);
        this.stats = new DeliveryStats(db, node);
        this.gateway = new Gateway(db, store, outbound, states, this::wake);
        this.sender = new DeliverySender(db, store, finishes, configs, states, renderer, outbound, meters, stats, new DeliverySender.Dispatch() {
            @Override
            public ServiceStates.State lastState(String serviceId) {
                return stateSnapshot.get(serviceId);
            }

            @Override
            public void statesChanged() {
                statesReadAt = 0;
                handoffRead = NONE_READ;
            }

            @Override
            public void wakeLocal() {
                Dispatcher.this.wakeLocal();
            }

            @Override public ServiceSignals signals() { return serviceSignals; }
        });
        this.permits = new Semaphore(concurrency);
        this.room = new Semaphore(16 * concurrency);
        this.budget = new BodyBudget(settings.bodyMemory(), this::wakeLocal);
        this.slots = new SendSlot.Shared(permits, room, slowTimer, concurrency);
        // Every send arms a slow timer and nearly all are cancelled: they leave the queue at once
        // rather than expire in it (thousands a second, each waking the timer thread).
        slowTimer.setRemoveOnCancelPolicy(true);
        signals = db.dialect().notifies() ? new NodeSignals(db, this::wakeLocal) : null;
        loop = Thread.ofPlatform().name("dispatcher").start(this::run);
        stats.start();
    }

    /** Who hears of the services' health from now on (set once, when the app is wired). */
    public void signalTo(ServiceSignals signals) {
        this.serviceSignals = signals;
    }

    /** Calls to services by name, sync or queued as deliveries (the gateway). */
    public Gateway gateway() {
        return gateway;
    }

    /** The per-minute delivery figures the dashboard reads. */
    public DeliveryStats stats() {
        return stats;
    }

    /** Wakes the dispatcher, and those of the other nodes: new or newly due deliveries were committed. */
    public void wake() {
        wakeLocal();
        if (signals != null) signals.announce();
    }

    private void wakeLocal() {
        woken = true;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Wake-ups received from other nodes (PostgreSQL); tests await it. */
    public long remoteWakes() {
        return signals == null ? 0 : signals.received();
    }

    /** Re-reads the per-service states now (after a pause or resume on this node) and wakes the loop. */
    public void statesChanged() {
        statesReadAt = 0;
        handoffRead = NONE_READ;
        wake();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** The store this dispatcher claims from and gives back to; tests give deliveries back through it. */
    DeliveryStore store() {
        return store;
    }

    /** Room not held by any claimed or handed-off delivery; tests check none leaks. */
    int freeRoom() {
        return room.availablePermits();
    }

    /** The claim loop's thread: tests end it as an error would, to see /health say so. */
    Thread loopThread() {
        return loop;
    }

    /** Characters of bodies held by deliveries being sent; tests check none leaks. */
    long heldBodies() {
        return budget.held();
    }

    /** How many times the loop has looked for due work; tests await it instead of sleeping. */
    public long polls() {
        return polls.get();
    }

    /** Whether the claim loop runs; it ends only when stopped, or by an error it cannot go on from (then /health says so). */
    public boolean runs() {
        return loop.isAlive() || !running;
    }

    private void run() {
        try {
            loop();
        } catch (Error e) {
            log.error("dispatcher.stopped error={}", e.toString(), e);
            throw e;
        }
    }

    private void loop() {
        while (running) {
            try {
                store.releaseLeftOver();
                int claimed = deliverySwitch.deliveriesEnabled() ? claimAndSend() : 0;
                polls.incrementAndGet();
                if (claimed == 0) {
                    synchronized (signal) {
                        if (!woken && running) signal.wait(1000);
                    }
                }
                woken = false;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("dispatcher.poll_failed error={}", e.toString());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // and try again
                if (Thread.currentThread().isInterrupted()) return;
            }
        }
    }

    private int claimAndSend() throws InterruptedException {
        int batch = Math.max(1, concurrency / 2);
        if (room.availablePermits() < batch) {
            // A claim is a transaction: under load, wait briefly for room for a batch so claims come in
            // batches rather than one delivery each; with no room at all, wait for some.
            if (room.tryAcquire(batch, 20, TimeUnit.MILLISECONDS)) room.release(batch);
            else if (room.availablePermits() == 0) {
                room.acquire();
                room.release();
            }
        }
        // This claim's room, all that is free; what it does not use goes back below. Hand-offs from
        // ingest take room too, so the claim takes its own before it claims.
        int free = room.drainPermits();
        int used = 0;
        try {
            used = claimAndSend(free);
        } finally {
            room.release(Math.max(0, free - used));
        }
        return used;
    }

    /** Claims at most {@code free} deliveries (probes aside), as many as the body budget reads, and starts them; each takes a unit of {@code free}. */
    private int claimAndSend(int free) throws InterruptedException {
        long now = System.currentTimeMillis();
        int readable = budget.claimable(free);
        Router.Table table = db.read(router::table);
        Map<String, ServiceStates.State> current = currentStates(table);
        long lease = DeliveryClaims.lease(table, leaseMs);
        List<Delivery> due = new ArrayList<>();
        Set<String> probes = new HashSet<>();
        // Taking probes is a write: only when a cooldown (or a probe's lease) has run out, as last read.
        boolean probeDue = current.values().stream().anyMatch(st -> st.blocksCalls() && st.openUntil() <= now);
        for (String serviceId : probeDue ? states.takeProbes(now, lease) : List.<String>of()) {
            List<Delivery> probe = db.inBookkeepingTransaction(c -> claims.claimForService(c, serviceId, now, 1, lease));
            if (probe.isEmpty()) states.releaseProbe(serviceId);
            else probes.add(probe.get(0).id());
            due.addAll(probe);
        }
        // Left out of the general claim: services that wait, that have their own budget, or that have
        // slow sends on this node. Slow services are claimed on their own, no more than the slow
        // sends they may still add (the dispatcher's concurrency each), so a hanging service's
        // deliveries are neither claimed in bulk nor stepped over by every claim.
        Set<String> excluded = new HashSet<>();
        current.forEach((id, st) -> {
            if (st.paused() || st.blocksCalls()) excluded.add(id);
        });
        Map<String, Integer> slowRoom = new HashMap<>();
        for (Service svc : table.services().values()) {
            ServiceStates.State st = current.get(svc.id());
            boolean waits = st != null && (st.paused() || st.blocksCalls());
            int slow = slowSends(svc.id());
            boolean limited = svc.maxConcurrency() != null || svc.rateLimitPerS() != null;
            if (limited || slow > 0) excluded.add(svc.id());
            if (limited && !waits && slow < concurrency && svc.enabled() && due.size() < readable) {
                due.addAll(states.takeWithinBudget(svc, Math.min(readable - due.size(), MAX_CLAIM), now, claims.ofService(store, svc.id(), now, lease)));
            } else if (!limited && !waits && slow > 0 && slow < concurrency && svc.enabled()) {
                slowRoom.put(svc.id(), concurrency - slow);
            }
        }
        int want = Math.min(readable - due.size(), MAX_CLAIM);
        int before = due.size();
        if (want > 0 && excluded.isEmpty()) {
            due.addAll(claims.claim(now, want, lease));
        } else if (want > 0) {
            Map<String, Integer> shares = new LinkedHashMap<>();
            List<String> open = new ArrayList<>();
            for (Service svc : table.services().values()) if (svc.enabled() && !excluded.contains(svc.id())) open.add(svc.id());
            Collections.rotate(open, (int) (polls.get() % Math.max(1, open.size()))); // no service always first
            for (String id : open) shares.put(id, want);
            shares.putAll(slowRoom);
            due.addAll(claims.perService(now, want, lease, shares));
        }
        // A full batch means more may be due: hand-offs wait until a claim comes back short.
        if (want > 0) behind = due.size() - before >= want;
        if (due.isEmpty()) return 0;
        // Probes and limited services' claims (ahead of the general one) are read whatever the budget:
        // each is bounded by its own limits, and left unread it would have spent a probe or a token.
        Gateway.Read read;
        try {
            read = gateway.bodies(due, before, budget);
        } catch (RuntimeException e) {
            due.forEach(store::releaseLater); // not sent: back to wait once the database answers
            throw e;
        }
        read.unread().forEach(store::releaseLater); // over the body budget: back to wait, attempt not spent
        due.removeAll(read.unread());
        try {
            if (due.size() > free) room.acquire(due.size() - free); // probes beyond the room claimed
        } catch (InterruptedException stopping) {
            due.forEach(d -> budget.release(BodyBudget.size(read.bodies().get(d.eventId()))));
            due.forEach(store::releaseLater);
            throw stopping;
        }
        start(due, read.bodies(), table, probes);
        return due.size();
    }

    /** Sends each delivery on its own virtual thread; each already holds its room and its body's budget. */
    private void start(List<Delivery> due, Map<String, String> bodies, Router.Table table, Set<String> probes) {
        for (Delivery d : due) {
            SendSlot slot = new SendSlot(slots, slowByService.computeIfAbsent(d.serviceId(), k -> new AtomicInteger()));
            inFlight.incrementAndGet();
            boolean probe = probes.contains(d.id());
            Thread.ofVirtual().name("deliver-" + d.id()).start(() -> {
                try {
                    sender.sendOrRelease(d, bodies.get(d.eventId()), table, probe, slot);
                } finally {
                    slot.done();
                    budget.release(BodyBudget.size(bodies.get(d.eventId())));
                    if (inFlight.decrementAndGet() == 0) {
                        synchronized (idle) {
                            idle.notifyAll();
                        }
                    }
                }
            });
        }
    }

    /**
     * Opens a hand-off for one ingest commit, inside its transaction: the new deliveries it takes are
     * stored already claimed by this node and sent as soon as the commit is done, which saves a claim
     * (a write transaction and a read of the events) per batch. Null when older due work is waiting
     * (it goes first, through claims), when the switch is off, when there is no room, or when the
     * dispatcher is stopping.
     */
    Handoff handoff(Connection c, Router.Table table, long now) throws SQLException {
        return behind || room.availablePermits() == 0 ? null : open(c, table, now);
    }

    /**
     * The same for the next deliveries of keys that moved on, inside their outcomes' transaction
     * (see {@link FinishWriter}): older due work does not stop it (a key goes on where it was), and
     * each takes the room of a delivery that ended.
     */
    private Handoff nextOfKeys(Connection c, long now) throws SQLException {
        return open(c, router.table(c), now);
    }

    private Handoff open(Connection c, Router.Table table, long now) throws SQLException {
        if (!running || !DeliverySwitch.deliveriesEnabled(c)) return null;
        StatesRead read = now - statesReadAt <= HANDOFF_STATES_MAX_AGE_MS ? new StatesRead(stateSnapshot, statesReadAt) : handoffRead;
        if (now - read.at() > HANDOFF_STATES_MAX_AGE_MS) handoffRead = read = new StatesRead(ServiceStates.all(c), now);
        return new Handoff(this, table, read.states(), now + DeliveryClaims.lease(table, leaseMs));
    }

    /** Room for one more claimed or handed-off delivery, if any is free. */
    boolean tryRoom() {
        return room.tryAcquire();
    }

    void releaseRoom(int deliveries) {
        room.release(deliveries);
    }

    BodyBudget budget() {
        return budget;
    }

    /** Sends what a hand-off took, once its commit is done; each already holds its room and its body's budget. */
    void sendHandedOff(List<Delivery> taken, Map<String, String> bodies, Router.Table table) {
        meters.handedOff(taken.size());
        start(taken, bodies, table, Set.of());
    }

    /** Sends of the service running longer than {@link SendSlot#SLOW_MS} on this node (tests await it). */
    int slowSends(String serviceId) {
        AtomicInteger n = slowByService.get(serviceId);
        return n == null ? 0 : n.get();
    }

    private Map<String, ServiceStates.State> currentStates(Router.Table table) {
        long now = System.currentTimeMillis();
        if (now - statesReadAt > STATES_TTL_MS) {
            stateSnapshot = states.all();
            statesReadAt = now;
            meters.breakerStates(stateSnapshot, table.services());
            // Deliveries created or retried since the pause show as paused too.
            stateSnapshot.values().stream().filter(ServiceStates.State::paused)
                    .forEach(st -> db.inTransaction(c -> store.setPaused(c, st.serviceId(), true)));
        }
        return stateSnapshot;
    }

    /** Stops claiming and waits for in-flight sends to finish (up to 30 s). */
    @Override
    public void close() {
        running = false;
        wake();
        try {
            loop.join(5_000);
            if (signals != null) signals.close();
            long deadline = System.currentTimeMillis() + 30_000;
            synchronized (idle) {
                while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) idle.wait(100);
            }
            slowTimer.shutdownNow();
            // Deliveries given back while the last sends ended (their service at its bound of slow
            // sends, a failed hand-off) wait for the loop's next turn, which will not come: released
            // here, or they would wait out their lease after the next start (as they do if this fails).
            try {
                store.releaseLeftOver();
            } catch (RuntimeException e) {
                log.warn("dispatcher.stop_release_failed error={}", e.toString());
            }
            finishes.close();
            stats.close();
        } catch (Exception e) {
            log.warn("dispatcher.stop error={}", e.toString());
        }
    }
}
