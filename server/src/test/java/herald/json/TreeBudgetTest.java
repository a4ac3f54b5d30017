package herald.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeBudgetTest {
    /** {@code n} empty objects in an array: the shape that weighs most per byte after deep nesting. */
    private static byte[] empties(int n) {
        return ("[" + "{},".repeat(n - 1) + "{}]").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aParseWhileOthersHoldTheBudgetIsRefusedForNowAndGoesOnceTheyLetGo() throws Exception {
        TreeBudget budget = new TreeBudget(4L << 20);
        TreeBudget.Charge first = budget.charge();
        Json.readTree(empties(20_000), first); // about 2.4 MB as weighed, held
        assertThat(budget.held()).isGreaterThan(2L << 20);
        try (TreeBudget.Charge second = budget.charge()) {
            assertThatThrownBy(() -> Json.readTree(empties(20_000), second))
                    .isInstanceOfSatisfying(TreeBudget.Exceeded.class, e -> assertThat(e.alone()).isFalse());
        }
        first.close();
        assertThat(budget.held()).isZero();
        try (TreeBudget.Charge third = budget.charge()) {
            assertThat(Json.readTree(empties(20_000), third).size()).isEqualTo(20_000);
        }
        assertThat(budget.held()).isZero();
    }

    @Test
    void aParseLargerThanTheWholeBudgetIsRefusedForGood() {
        TreeBudget budget = new TreeBudget(1L << 20);
        try (TreeBudget.Charge charge = budget.charge()) {
            assertThatThrownBy(() -> Json.readTree(empties(20_000), charge))
                    .isInstanceOfSatisfying(TreeBudget.Exceeded.class, e -> assertThat(e.alone()).isTrue());
        }
        assertThat(budget.held()).isZero();
    }

    @Test
    void aWeighedTreeIsTheMappersOwn() throws Exception {
        byte[] doc = "{\"n\":1.50,\"big\":123456789012345678901234567890}".getBytes(StandardCharsets.UTF_8);
        try (TreeBudget.Charge charge = new TreeBudget(1L << 20).charge()) {
            assertThat(Json.readTree(doc, charge)).isEqualTo(Json.MAPPER.readTree(doc)); // exact decimals kept, as the mapper's
        }
    }

    /** The heaviest shapes per byte, each filling the default 1 MiB limit, against a quarter of the launcher's 320 MiB heap. */
    @Test
    void noBodyWithinTheDefaultLimitIsRefusedAloneUnderTheLaunchersHeap() throws Exception {
        TreeBudget budget = new TreeBudget((320L << 20) / 4);
        String nested = "[".repeat(58) + "0" + "]".repeat(58);
        for (String unit : List.of("{}", "[]", "0", "null", "true", "\"\"", "{\"a\":1}", nested)) {
            int n = (1 << 20) / (unit.length() + 1) - 2;
            byte[] body = ("[" + (unit + ",").repeat(n) + unit + "]").getBytes(StandardCharsets.US_ASCII);
            assertThat(body.length).isLessThanOrEqualTo(1 << 20);
            try (TreeBudget.Charge charge = budget.charge()) {
                assertThat(Json.readTree(body, charge).size()).as(unit).isEqualTo(n + 1);
            }
        }
        assertThat(budget.held()).isZero();
    }

    /** Nulls and booleans are shared nodes, but each takes a slot or an entry in its parent: they weigh too. */
    @Test
    void nullsAndBooleansWeighTheirPlaceInTheirParent() throws Exception {
        TreeBudget budget = new TreeBudget(1L << 30);
        byte[] body = ("{" + java.util.stream.IntStream.range(0, 50_000)
                .mapToObj(i -> "\"a" + i + "\":" + (i % 2 == 0 ? "null" : "true")).collect(java.util.stream.Collectors.joining(","))
                + "}").getBytes(StandardCharsets.US_ASCII);
        try (TreeBudget.Charge charge = budget.charge()) {
            Json.readTree(body, charge);
            assertThat(budget.held()).isGreaterThanOrEqualTo(body.length + 50_000L * TreeBudget.VALUE_BYTES);
        }
    }
}
