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
            // an "HH:mm" at the phone's font (18 units) is about 56 units wide
            assertThat(Double.parseDouble(labels.group(1)) + 56).as(labels.group(2)).isLessThanOrEqualTo(Integer.parseInt(width.group(1)));
        }
        assertThat(n).isEqualTo(6);
    }

    @Test
    void scaleNumbersAreShortEnoughToFitLeftOfThePlot() {
        assertThat(Charts.compact(0)).isEqualTo("0");
        assertThat(Charts.compact(2.5)).isEqualTo("2.5");
        assertThat(Charts.compact(750)).isEqualTo("750");
        assertThat(Charts.compact(1_000)).isEqualTo("1k");
        assertThat(Charts.compact(1_250)).isEqualTo("1.25k");
        assertThat(Charts.compact(37_500)).isEqualTo("37.5k");
        assertThat(Charts.compact(250_000)).isEqualTo("250k");
        assertThat(Charts.compact(3_750_000)).isEqualTo("3.75M");
        assertThat(Charts.compact(Long.MAX_VALUE)).hasSizeLessThanOrEqualTo(5);
        // every label is a quarter of a round maximum, as it is: 2.5 was written 2 and 7.5 written 7
        assertThat(Charts.outcomes(List.of(new DeliveryStats.Point(1_765_000_000_000L, 4_300, 400, 0))))
                .contains(">1.25k<", ">2.5k<", ">3.75k<", ">5k<");
        assertThat(Charts.outcomes(List.of(new DeliveryStats.Point(1_765_000_000_000L, 6, 0, 0))))
                .contains(">2.5<", ">5<", ">7.5<", ">10<");
    }
}
