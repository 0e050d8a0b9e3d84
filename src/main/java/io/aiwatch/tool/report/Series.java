package io.aiwatch.tool.report;

import java.util.List;

/**
 * One line (or set of points) of a plot.
 *
 * @param name   legend text
 * @param x      x values
 * @param y      y values (NaN: gap)
 * @param low    lower edge of a confidence band per point, or null
 * @param high   upper edge of the band, or null
 * @param points draw markers (true) or only the line
 * @param line   draw the connecting line
 */
public record Series(String name, double[] x, double[] y, double[] low, double[] high, boolean points, boolean line) {
    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values, " + y.length + " y");
        }
        if (low != null && (low.length != x.length || high == null || high.length != x.length)) {
            throw new IllegalArgumentException("series '" + name + "': band must have one low and high per point");
        }
    }

    public static Series line(String name, double[] x, double[] y) {
        return new Series(name, x, y, null, null, false, true);
    }

    public static Series scatter(String name, double[] x, double[] y) {
        return new Series(name, x, y, null, null, true, false);
    }

    /** Markers joined by a line, with a band from low to high (e.g. a 95 % confidence interval). */
    public static Series withBand(String name, double[] x, double[] y, double[] low, double[] high) {
        return new Series(name, x, y, low, high, true, true);
    }

    public static Series of(String name, List<double[]> points, boolean markers, boolean line) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return new Series(name, x, y, null, null, markers, line);
    }
}
