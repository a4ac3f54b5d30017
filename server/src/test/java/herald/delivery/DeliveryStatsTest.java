package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import herald.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The dashboard's figures: per-minute counts summed over nodes, and the 95th percentile from the histogram. */
class DeliveryStatsTest {

    @Test
    void twoNodesFiguresAddUpPerMinuteAndPerService() throws Exception {
        Path dir = Files.createTempDirectory("herald-stats");
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("h.db"), "", "")) {
            long minute = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;
            DeliveryStats a = new DeliveryStats(db, "node_a"), b = new DeliveryStats(db, "node_b");
            for (int i = 0; i < 90; i++) a.record("svc_1", DeliveryStats.Outcome.DELIVERED, 20, minute + 1000);
            for (int i = 0; i < 10; i++) b.record("svc_1", DeliveryStats.Outcome.FAILED, 3000, minute + 2000);
            b.record("svc_2", DeliveryStats.Outcome.DEAD, -1, minute + 61_000);
            a.flush();
            b.flush();
            a.record("svc_1", DeliveryStats.Outcome.DELIVERED, 20, minute + 3000); // a later flush replaces this node's row
            a.flush();

            var series = a.series(minute, 60_000, minute + 119_000);
            assertThat(series).hasSize(2);
            assertThat(series.get(0)).isEqualTo(new DeliveryStats.Point(minute, 91, 10, 0));
            assertThat(series.get(1)).isEqualTo(new DeliveryStats.Point(minute + 60_000, 0, 0, 1));

            var byService = a.byService(minute);
            assertThat(byService.get("svc_1").total()).isEqualTo(101);
            assertThat(byService.get("svc_1").successRate()).isEqualTo(91.0 / 101);
            assertThat(byService.get("svc_1").p95Ms()).as("10 of 101 took 3 s: the 95th is among them").isEqualTo(5_000L);
            assertThat(byService.get("svc_2").p95Ms()).as("no latency without an attempt").isNull();
        }
    }

    @Test
    void thePercentileIsTheBucketThatHoldsIt() {
        long[] h = new long[DeliveryStats.BOUNDS_MS.length + 1];
        h[DeliveryStats.bucket(7)] = 96;
        h[DeliveryStats.bucket(400)] = 4;
        assertThat(DeliveryStats.p95(h)).isEqualTo(10L);
        h[DeliveryStats.bucket(400)] = 6;
        assertThat(DeliveryStats.p95(h)).isEqualTo(500L);
        assertThat(DeliveryStats.bucket(31_000)).isEqualTo(DeliveryStats.BOUNDS_MS.length);
    }
}
