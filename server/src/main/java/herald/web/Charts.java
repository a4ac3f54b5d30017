package herald.web;

import herald.delivery.DeliveryStats;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Charts drawn on the server as SVG (no script, nothing to load): read at a glance, and each bar
 * names its figures on hover. Only numbers and times Herald made go into the markup.
 */
public final class Charts {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final int W = 720, H = 180, LEFT = 60, BOTTOM = 22, TOP = 14;
    /**
     * How wide an "HH:mm" axis label is drawn, in the chart's units, at the phone's larger font (the
     * chart is drawn at half its size there, so its labels are drawn twice as large; see herald.css).
     */
    private static final int LABEL_W = 56;

    private Charts() {}

    /** Stacked bars per time bucket: delivered, failed (will be retried), dead. */
    public static String outcomes(List<DeliveryStats.Point> points) {
        long max = 1;
        for (var p : points) max = Math.max(max, p.delivered() + p.failed() + p.dead());
        max = niceCeiling(max);
        double plotW = W - LEFT - 8, plotH = H - BOTTOM - TOP;
        double step = plotW / Math.max(1, points.size());
        double bar = Math.max(1, step - 1);
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">Delivery attempts per ")
                .append(points.size() > 1 ? minutes(points) : "minute").append(", by outcome</title>");
        for (int i = 0; i <= 4; i++) { // grid and scale
            double y = TOP + plotH - plotH * i / 4;
            s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(W - 8).append("\" y1=\"").append(f(y)).append("\" y2=\"")
                    .append(f(y)).append("\" class=\"grid\"/>");
            s.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + 4)).append("\" class=\"axis\" text-anchor=\"end\">")
                    .append(compact(max * i / 4.0)).append("</text>");
        }
        for (int i = 0; i < points.size(); i++) {
            var p = points.get(i);
            double x = LEFT + i * step;
            double y = TOP + plotH;
            s.append("<g><title>").append(HM.format(Instant.ofEpochMilli(p.at()))).append(" UTC: ").append(p.delivered())
                    .append(" delivered, ").append(p.failed()).append(" failed, ").append(p.dead()).append(" dead</title>");
            y = rect(s, x, y, bar, plotH * p.delivered() / max, "delivered");
            y = rect(s, x, y, bar, plotH * p.failed() / max, "failed");
            rect(s, x, y, bar, plotH * p.dead() / max, "dead");
            s.append("</g>");
            // a label starts at its bar: one too near the right edge would be cut off ("16:" of 16:43)
            if (i % Math.max(1, points.size() / 6) == 0 && x + LABEL_W <= W) {
                s.append("<text x=\"").append(f(x)).append("\" y=\"").append(H - 6).append("\" class=\"axis\">")
                        .append(HM.format(Instant.ofEpochMilli(p.at()))).append("</text>");
            }
        }
        return s.append("</svg>").toString();
    }

    /**
     * A scale's number in at most five characters (7.5, 750, 3.75k, 2.5M): the scale's steps are
     * quarters of a round number (three significant digits at most), written as they are (a step of
     * 2.5 is not 2), and must fit left of the plot at any font size.
     */
    static String compact(double n) {
        String[] units = {"", "k", "M", "G", "T", "P", "E"};
        int u = 0;
        while (n >= 1_000 && u < units.length - 1) {
            n /= 1_000;
            u++;
        }
        return new java.math.BigDecimal(n).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString() + units[u];
    }

    private static String minutes(List<DeliveryStats.Point> points) {
        long step = (points.get(1).at() - points.get(0).at()) / 60_000;
        return step == 1 ? "minute" : step + " minutes";
    }

    private static double rect(StringBuilder s, double x, double bottom, double w, double h, String cls) {
        if (h <= 0) return bottom;
        double hh = Math.max(h, 1);
        s.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(bottom - hh)).append("\" width=\"").append(f(w))
                .append("\" height=\"").append(f(hh)).append("\" class=\"").append(cls).append("\"/>");
        return bottom - hh;
    }

    private static long niceCeiling(long n) {
        long pow = 1;
        while (pow * 10 <= n) pow *= 10;
        for (long m : new long[] {1, 2, 4, 5, 10}) {
            if (m * pow >= n) return Math.max(4, m * pow);
        }
        return 10 * pow;
    }

    private static String f(double d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d);
    }
}
