package herald.delivery;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What deliveries hold of the heap between their read and their outcome: each counts its event's
 * body (or gateway request) {@link #COPIES} times. Without it a backlog of large events ran the heap out: a claim read
 * up to 500 bodies at once and 16 x concurrency deliveries could be held, so events near the 1 MiB
 * body limit were hundreds of MiB in a 320 MiB heap, and every restart claimed them again.
 * <p>
 * A body is taken on while what is held is under the budget, so the budget is passed by about one
 * body per reader at once (the claim loop, a hand-off, an ordered key's hand-on): an event larger
 * than the whole budget still goes, alone. Probes and limited services' claims are read whatever
 * it holds, being bounded by their own limits. A
 * claim takes about as many deliveries as the budget can read, by the mean size of bodies read
 * lately; the read itself stops where the budget does (see {@link DeliveryStore#bodiesWithin}).
 */
final class BodyBudget {
    /**
     * What a delivery holds while it is sent, in copies of its body: the body, the tree it is
     * rendered from, the payload rendered. Counted once, a 128 MiB heap ran out with 700 KB events
     * (45 held, some 2 MB each at once).
     */
    static final int COPIES = 3;
    private final long capacity;
    private final AtomicLong held = new AtomicLong();
    private final Runnable roomAgain;
    /** The mean size of the bodies read lately; a claim takes about as many as the free budget holds. */
    private volatile long meanChars = 1024;

    /** @param roomAgain called when a release makes room in a budget that was used up (the claim loop may be waiting) */
    BodyBudget(long capacity, Runnable roomAgain) {
        this.capacity = capacity;
        this.roomAgain = roomAgain;
    }

    /** How many characters of bodies may still be read before the budget is used up; zero or less when it is. */
    long freeChars() {
        return (capacity - held.get()) / COPIES;
    }

    /** How many of {@code want} deliveries a claim should take: all while bodies are small, none while the budget is used up. */
    int claimable(int want) {
        long free = freeChars();
        if (free <= 0 || want <= 0) return 0;
        return (int) Math.min(want, free / meanChars + 1);
    }

    /** Holds a body that was read within the budget. */
    void hold(long chars) {
        held.addAndGet(chars);
    }

    /** Holds a body already in memory (a hand-off) if the budget is not used up; false when it is. */
    boolean tryHold(long chars) {
        for (long h = held.get(); h < capacity; h = held.get()) {
            if (held.compareAndSet(h, h + chars)) return true;
        }
        return false;
    }

    void release(long chars) {
        long after = held.addAndGet(-chars);
        if (after < capacity && after + chars >= capacity) roomAgain.run();
    }

    /** Bodies of {@code chars} in all were read, {@code count} of them. */
    void observed(long chars, int count) {
        if (count > 0) meanChars = Math.max(1, (meanChars * 3 + chars / count) / 4);
    }

    /** What a delivery of a body counts for: its characters, {@link #COPIES} times (none for a body that is missing). */
    static long size(String body) {
        return body == null ? 0 : (long) COPIES * body.length();
    }

    /** What is held now (tests check none leaks). */
    long held() {
        return held.get();
    }
}
