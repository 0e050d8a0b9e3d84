package io.aiwatch.reader.alert.promql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * promtool's expanding notation for {@code input_series} values: {@code a+bxn} and
 * {@code a-bxn} (n+1 samples), {@code axn}, {@code _} (no sample), {@code _xn} (n missing),
 * {@code stale} (a staleness marker). A null entry is a missing sample.
 */
public final class SeriesNotation {
    private static final String NUM = "([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))";
    private static final Pattern STEP =
            Pattern.compile(NUM + "([-+])" + "([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)x([0-9]+)");
    private static final Pattern REPEAT = Pattern.compile(NUM + "x([0-9]+)");

    private SeriesNotation() {}

    public static List<Double> expand(String text) {
        List<Double> out = new ArrayList<>();
        for (String item : text.trim().split("\\s+")) {
            if (item.isEmpty()) {
                continue;
            }
            Matcher m;
            if (item.equals("_")) {
                out.add(null);
            } else if (item.matches("_x[0-9]+")) {
                for (int i = 0; i < Integer.parseInt(item.substring(2)); i++) {
                    out.add(null);
                }
            } else if (item.equals("stale")) {
                out.add(Series.STALE_NAN);
            } else if ((m = STEP.matcher(item)).matches()) {
                double a = Functions.parseFloat(m.group(1));
                double b = Double.parseDouble(m.group(3)) * (m.group(2).equals("-") ? -1 : 1);
                int n = Integer.parseInt(m.group(4));
                double v = a;
                out.add(v);
                for (int i = 0; i < n; i++) {
                    v += b;
                    out.add(v);
                }
            } else if ((m = REPEAT.matcher(item)).matches()) {
                double a = Functions.parseFloat(m.group(1));
                for (int i = 0; i <= Integer.parseInt(m.group(2)); i++) {
                    out.add(a);
                }
            } else {
                out.add(Functions.parseFloat(item));
            }
        }
        return out;
    }
}
