package herald.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the trees parsed from request bodies may take of the heap while they are held (an ingest
 * request's events until their commit). A tree is many times its body: with this Jackson a 1 MiB
 * body of {@code {}}s held 31 MiB, of 58-deep arrays 51 MiB, and 64 senders of such bodies ran a
 * 320 MiB heap out with nothing refused. Each node is weighed as it is made; a request that would
 * pass the budget is refused ({@link Exceeded}): for now while others hold it, for good if it
 * alone would.
 */
public final class TreeBudget {
    /**
     * An object node with its map, an array node with its list, and a value node with its entry or
     * slot in its parent. Measured per 1 MiB body: {@code {}}s 31 MiB (weighed 42), 58-deep arrays
     * 51 MiB (52), {@code {"a":1}}s 27 MiB (24), zeros 3 MiB (33, small numbers are shared). So no
     * body within the default 1 MiB is refused alone under the launcher's heap (weighed at most 52 MB).
     */
    static final int OBJECT_BYTES = 120;
    static final int ARRAY_BYTES = 100;
    static final int VALUE_BYTES = 64;
    /** A charge checks the budget this often, not at every node (one shared counter for every request). */
    private static final long STEP = 64 * 1024;

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public TreeBudget(long capacity) {
        this.capacity = capacity;
    }

    /** One request's share, held until it is closed. */
    public Charge charge() {
        return new Charge(this);
    }

    /** What the requests being served hold now (tests check none leaks). */
    public long held() {
        return held.get();
    }

    /** A request's parse would pass the budget; {@code alone}: it would even with no other request. */
    public static final class Exceeded extends RuntimeException {
        private final boolean alone;

        Exceeded(boolean alone, long capacity) {
            super((alone ? "the body's parsed form is larger than the " : "other requests hold the ") + capacity
                    + " bytes that parsed request bodies may take", null, false, false);
            this.alone = alone;
        }

        public boolean alone() {
            return alone;
        }
    }

    /** What one request's trees weigh; closing it gives it back. Not for use by two threads at once. */
    public static final class Charge implements AutoCloseable {
        /** No budget: parses that are not a request's (files, stored events). */
        public static final Charge NONE = new Charge(null);
        private final TreeBudget budget;
        private long counted;
        private long pending;

        private Charge(TreeBudget budget) {
            this.budget = budget;
        }

        /** Adds {@code bytes} (a body read whole, a node made). */
        public void add(long bytes) {
            if (budget == null) return;
            pending += bytes;
            if (pending >= STEP) flush();
        }

        /** Checks what was added against the budget; a parse ends with it so that its last nodes count. */
        public void flush() {
            if (budget == null || pending == 0) return;
            long after = budget.held.addAndGet(pending);
            counted += pending;
            pending = 0;
            if (after > budget.capacity) throw new Exceeded(counted > budget.capacity, budget.capacity);
        }

        @Override
        public void close() {
            if (budget == null) return;
            budget.held.addAndGet(-counted);
            counted = 0;
            pending = 0;
        }

        /** The node factory that weighs what a parse makes against this charge. */
        JsonNodeFactory factory() {
            return budget == null ? JsonNodeFactory.instance : new Weighing(this);
        }
    }

    private static final class Weighing extends JsonNodeFactory {
        private final transient Charge charge;

        Weighing(Charge charge) {
            super(true); // as the mapper's own factory: big decimals as written
            this.charge = charge;
        }

        @Override
        public ObjectNode objectNode() {
            charge.add(OBJECT_BYTES);
            return super.objectNode();
        }

        @Override
        public ArrayNode arrayNode() {
            charge.add(ARRAY_BYTES);
            return super.arrayNode();
        }

        @Override
        public ArrayNode arrayNode(int capacity) {
            charge.add(ARRAY_BYTES);
            return super.arrayNode(capacity);
        }

        @Override
        public com.fasterxml.jackson.databind.node.BooleanNode booleanNode(boolean v) {
            charge.add(VALUE_BYTES); // shared, but its entry or slot in its parent is not
            return super.booleanNode(v);
        }

        @Override
        public com.fasterxml.jackson.databind.node.NullNode nullNode() {
            charge.add(VALUE_BYTES);
            return super.nullNode();
        }

        @Override
        public com.fasterxml.jackson.databind.node.NumericNode numberNode(float v) {
            charge.add(VALUE_BYTES);
            return super.numberNode(v);
        }

        @Override
        public TextNode textNode(String text) {
            charge.add(VALUE_BYTES + (text == null ? 0 : 2L * text.length()));
            return super.textNode(text);
        }

        @Override
        public ValueNode numberNode(BigDecimal v) {
            charge.add(VALUE_BYTES + (v == null ? 0 : v.unscaledValue().bitLength() / 8));
            return super.numberNode(v);
        }

        @Override
        public ValueNode numberNode(BigInteger v) {
            charge.add(VALUE_BYTES + (v == null ? 0 : v.bitLength() / 8));
            return super.numberNode(v);
        }

        @Override
        public com.fasterxml.jackson.databind.node.NumericNode numberNode(int v) {
            charge.add(VALUE_BYTES);
            return super.numberNode(v);
        }

        @Override
        public com.fasterxml.jackson.databind.node.NumericNode numberNode(long v) {
            charge.add(VALUE_BYTES);
            return super.numberNode(v);
        }

        @Override
        public com.fasterxml.jackson.databind.node.NumericNode numberNode(double v) {
            charge.add(VALUE_BYTES);
            return super.numberNode(v);
        }
    }
}
