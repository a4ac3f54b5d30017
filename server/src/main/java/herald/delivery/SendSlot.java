package herald.delivery;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One claimed delivery's share of the dispatcher: room from its claim until its outcome is
 * recorded, and a send permit for its HTTP exchange. A send still running after {@link #SLOW_MS},
 * or any send to a service that has slow sends running, holds neither and counts as slow for
 * its service instead (at most twice the dispatcher's concurrency per service: see acquire) until its
 * exchange is over: while its outcome is recorded it no longer holds the service up, so the hand-on
 * of an ordered key (see {@link FinishWriter}) does not take the ended send for a running one.
 */
final class SendSlot implements DeliverySender.Slot {
    /**
     * A send still running after this long gives its slot back: the global concurrency bounds
     * sends that make progress, while slow sends are bounded per service (at most twice the global
     * concurrency each), so a hanging service cannot take the slots the others need.
     */
    static final long SLOW_MS = 100;

    /** What the slots of one dispatcher share: send permits, room for claimed deliveries, the slow timer. */
    record Shared(Semaphore permits, Semaphore room, ScheduledExecutorService timer, int concurrency) {}

    private final Shared shared;
    private final AtomicInteger slowOfService;
    /** What this send holds besides its permit; each move out of ROOM happens once, by compare-and-set. */
    private enum Held { ROOM, SLOW, SLOW_OVER, HANDED_OVER, RELEASED }

    private final AtomicReference<Held> held = new AtomicReference<>(Held.ROOM);
    private final AtomicBoolean holdsPermit = new AtomicBoolean();
    private volatile ScheduledFuture<?> slowTimer;

    SendSlot(Shared shared, AtomicInteger slowOfService) {
        this.shared = shared;
        this.slowOfService = slowOfService;
    }

    /**
     * False when the service already has as many slow sends as the dispatcher's concurrency: the
     * delivery goes back to wait, unsent. (Sends in slots that turn slow are not refused, so a
     * service can have up to twice that many.) A service with some slow sends sends outside the slots
     * at once: waiting SLOW_MS in a slot first would hold up the other services' sends.
     */
    @Override
    public boolean acquire() throws InterruptedException {
        if (slowOfService.get() == 0) {
            shared.permits().acquire();
            holdsPermit.set(true);
            if (slowOfService.get() == 0) {
                slowTimer = shared.timer().schedule(this::becomeSlow, SLOW_MS, TimeUnit.MILLISECONDS);
                return true;
            }
        }
        // The service has slow sends, perhaps turned slow while this one waited for its permit (a
        // claim can hold many of its deliveries before any send turns slow): join them within the cap.
        int slow;
        do {
            slow = slowOfService.get();
            if (slow >= shared.concurrency()) {
                if (holdsPermit.compareAndSet(true, false)) shared.permits().release();
                return false;
            }
        } while (!slowOfService.compareAndSet(slow, slow + 1));
        held.set(Held.SLOW); // no timer was armed: nothing else moves it yet
        if (holdsPermit.compareAndSet(true, false)) shared.permits().release();
        shared.room().release();
        return true;
    }

    private void becomeSlow() {
        if (held.compareAndSet(Held.ROOM, Held.SLOW)) {
            slowOfService.incrementAndGet();
            if (holdsPermit.compareAndSet(true, false)) shared.permits().release();
            shared.room().release();
        }
    }

    /** The exchange is over: the next send may start while this outcome is being recorded. */
    @Override
    public void exchangeOver() {
        if (slowTimer != null) slowTimer.cancel(false);
        if (holdsPermit.compareAndSet(true, false)) shared.permits().release();
        // After becomeSlow's compare-and-set, before its increment, this decrement comes first: the sum holds.
        if (held.compareAndSet(Held.SLOW, Held.SLOW_OVER)) slowOfService.decrementAndGet();
    }

    @Override
    public boolean handOverRoom() {
        return held.compareAndSet(Held.ROOM, Held.HANDED_OVER);
    }

    void done() {
        exchangeOver();
        if (held.compareAndSet(Held.ROOM, Held.RELEASED)) shared.room().release();
    }
    }
