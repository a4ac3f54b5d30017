package herald.bench;

import java.util.Locale;

/**
 * The machine-readable result lines that {@code bench/all.sh} collects into docs/benchmarks.md, one
 * per figure: {@code SUMMARY|case|backend|herald|reference|ratio|target|met}. Fields hold no
 * {@code |}; a missing ratio, target or verdict is {@code -}.
 */
final class Summary {
    private Summary() {}

    /** Prints one line as given. */
    static void line(String caseName, String backend, String herald, String reference, String ratio, String target, String met) {
        System.out.println(String.join("|", "SUMMARY", clean(caseName), clean(backend), clean(herald), clean(reference),
                clean(ratio), clean(target), clean(met)));
    }

    /** A ratio herald / reference with a lower bound on it: {@code ≥ 0.50}. */
    static void ratioAtLeast(String caseName, String backend, String herald, String reference, double ratio, double min) {
        line(caseName, backend, herald, reference, ratio(ratio), String.format(Locale.ROOT, "≥ %.2f", min),
                met(Double.isFinite(ratio) && ratio >= min));
    }

    /**
     * An absolute figure {@code value} (in {@code unit}) with an upper bound, beside a reference and
     * their ratio (NaN: none); {@code max} NaN means no target.
     */
    static void valueAtMost(String caseName, String backend, double value, String herald, String reference, double ratio,
                            double max, String unit) {
        boolean target = Double.isFinite(max);
        line(caseName, backend, herald, reference, ratio(ratio),
                target ? String.format(Locale.ROOT, "≤ %s %s", number(max), unit) : "-", target ? met(value <= max) : "-");
    }

    /** A case that produced no figure (it failed or was skipped). */
    static void failed(String caseName, String backend, String why) {
        line(caseName, backend, "failed: " + why, "-", "-", "-", "not met");
    }

    static String ratio(double r) {
        return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "-";
    }

    static String met(boolean yes) {
        return yes ? "met" : "not met";
    }

    /** {@code 1,234/s}-style figures. */
    static String perSecond(double v, String what) {
        return String.format(Locale.ROOT, "%,.0f %s/s", v, what);
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String clean(String s) {
        return s == null || s.isBlank() ? "-" : s.replace('|', '/').replace('\n', ' ').trim();
    }

    /** The middle value (the mean of the two middle ones for an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
