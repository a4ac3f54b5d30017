package herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import herald.delivery.DeliveryStats;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void noTimeLabelRunsPastTheRightEdge() {
        // the last hour per minute, both ends included: 61 bars, a label every 10 (the last one falls on the last bar)
        List<DeliveryStats.Point> points = new ArrayList<>();
        long start = 1_765_000_000_000L;
        for (int i = 0; i <= 60; i++) points.add(new DeliveryStats.Point(start + i * 60_000L, i, 0, 0));
        String svg = Charts.outcomes(points);
        var width = Pattern.compile("viewBox=\"0 0 (\\d+) ").matcher(svg);
        assertThat(width.find()).isTrue();
        var labels = Pattern.compile("<text x=\"([\\d.]+)\" y=\"\\d+\" class=\"axis\">(\\d\\d:\\d\\d)</text>").matcher(svg);
        int n = 0;
        while (labels.find()) {
            n++;
            assertThat(Double.parseDouble(labels.group(1)) + 36).as(labels.group(2)).isLessThanOrEqualTo(Integer.parseInt(width.group(1)));
        }
        assertThat(n).isEqualTo(6);
    }
}
