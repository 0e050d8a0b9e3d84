package io.aiwatch.tool.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A 2-D plot rendered as inline SVG (no scripts, no network): axes with ticks and units, linear
 * or logarithmic scales (logarithmic chosen automatically when positive data span a factor of 20),
 * lines, markers, confidence bands, shaded x-intervals (e.g. throttling), and a legend below the
 * plot area so that it never covers data.
 */
public final class Plot {
    /** Okabe–Ito colours, distinguishable with colour-vision deficiencies. */
    static final String[] COLORS = {
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"
    };

    private static final int WIDTH = 760;
    private static final int LEFT = 72;
    private static final int RIGHT = 20;
    private static final int TOP = 34;
    private static final int PLOT_HEIGHT = 260;
    private static final int BOTTOM = 58;

    private final String title;
    private String xLabel = "";
    private String xUnit = "";
    private String yLabel = "";
    private String yUnit = "";
    private Boolean logX;
    private Boolean logY;
    private boolean zeroY = true;
    private final List<Series> series = new ArrayList<>();
    private final List<double[]> shades = new ArrayList<>();
    private String shadeLabel;
    private String note;

    private Plot(String title) {
        this.title = title;
    }

    public static Plot titled(String title) {
        return new Plot(title);
    }

    public Plot x(String label, String unit) {
        this.xLabel = label;
        this.xUnit = unit;
        return this;
    }

    public Plot y(String label, String unit) {
        this.yLabel = label;
        this.yUnit = unit;
        return this;
    }

    /** Forces a log (true) or linear (false) x-axis; null: automatic. */
    public Plot logX(Boolean log) {
        this.logX = log;
        return this;
    }

    public Plot logY(Boolean log) {
        this.logY = log;
        return this;
    }

    /** Whether a linear y-axis includes zero (default true). */
    public Plot zeroY(boolean zero) {
        this.zeroY = zero;
        return this;
    }

    public Plot add(Series s) {
        series.add(s);
        return this;
    }

    /** Shades [x0, x1] across the plot; every shade shares one legend entry {@code label}. */
    public Plot shade(double x0, double x1, String label) {
        shades.add(new double[] {x0, x1});
        shadeLabel = label;
        return this;
    }

    /** A line of small text under the legend. */
    public Plot note(String text) {
        this.note = text;
        return this;
    }

    public boolean isEmpty() {
        return series.stream().allMatch(s -> s.x().length == 0);
    }

    public String svg() {
        double[] xr = range(true, false);
        double[] values = range(false, false);
        boolean lx = logX != null ? logX : Scale.wantsLog(xr[0], xr[1]);
        // the scale follows the values; bands are drawn within it (a wide interval must not flip the axis to log)
        boolean ly = logY != null ? logY : Scale.wantsLog(values[0], values[1]);
        lx &= xr[0] > 0;
        ly &= values[0] > 0;
        double[] yr = ly ? values : range(false, true);
        if (!ly && values[0] >= 0) {
            yr[0] = Math.max(0, yr[0]);
        }
        int plotW = WIDTH - LEFT - RIGHT;
        Scale sx = Scale.of(xr[0], xr[1], lx, false, LEFT, LEFT + plotW);
        Scale sy = Scale.of(yr[0], yr[1], ly, zeroY && !ly, TOP + PLOT_HEIGHT, TOP);
        List<String[]> legend = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            legend.add(new String[] {series.get(i).name(), COLORS[i % COLORS.length], "line"});
        }
        if (!shades.isEmpty()) {
            legend.add(new String[] {shadeLabel, "#d62728", "shade"});
        }
        int[] legendRows = new int[1];
        String legendSvg = legend(legend, TOP + PLOT_HEIGHT + BOTTOM + 4, legendRows);
        int height = TOP + PLOT_HEIGHT + BOTTOM + 4 + legendRows[0] * 18 + (note == null ? 6 : 22);
        StringBuilder sb = new StringBuilder(8192);
        sb.append(f(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" role=\"img\" viewBox=\"0 0 %d %d\""
                        + " width=\"%d\" height=\"%d\" data-series=\"%d\" font-family=\"sans-serif\">",
                WIDTH, height, WIDTH, height, series.size()));
        sb.append("<title>").append(Html.escape(title)).append("</title>");
        sb.append(f("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", WIDTH, height));
        sb.append(
                f("<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>", LEFT, Html.escape(title)));
        for (double[] s : shades) {
            double a = sx.map(s[0]);
            double b = sx.map(s[1]);
            sb.append(f(
                    "<rect class=\"shade\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#d62728\" fill-opacity=\"0.15\"/>",
                    a, TOP, Math.max(1, b - a), PLOT_HEIGHT));
        }
        axes(sb, sx, sy, plotW);
        StringBuilder drawn = new StringBuilder(4096);
        for (int i = 0; i < series.size(); i++) {
            draw(drawn, series.get(i), COLORS[i % COLORS.length], sx, sy);
        }
        // the clip id derives from what is drawn, so that a report recomputed from the same raw data is
        // byte-identical (an identity hash differed on every run)
        int clipId = 31 * title.hashCode() + drawn.toString().hashCode();
        sb.append(f(
                "<clipPath id=\"c%08x\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath>",
                clipId, LEFT, TOP, plotW, PLOT_HEIGHT));
        sb.append(f("<g clip-path=\"url(#c%08x)\">", clipId));
        sb.append(drawn);
        sb.append("</g>");
        sb.append(legendSvg);
        if (note != null) {
            sb.append(f(
                    "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">%s</text>",
                    LEFT, height - 8, Html.escape(note)));
        }
        sb.append("</svg>");
        return sb.toString();
    }

    private double[] range(boolean isX, boolean bands) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] v = isX ? s.x() : s.y();
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(v[i])) {
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
                if (!isX && bands && s.low() != null) {
                    if (Double.isFinite(s.low()[i])) {
                        lo = Math.min(lo, s.low()[i]);
                    }
                    if (Double.isFinite(s.high()[i])) {
                        hi = Math.max(hi, s.high()[i]);
                    }
                }
            }
        }
        if (isX) {
            for (double[] s : shades) {
                lo = Math.min(lo, s[0]);
                hi = Math.max(hi, s[1]);
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        return new double[] {lo, hi};
    }

    private void axes(StringBuilder sb, Scale sx, Scale sy, int plotW) {
        int bottom = TOP + PLOT_HEIGHT;
        for (double t : sy.ticks()) {
            double y = sy.map(t);
            sb.append(f(
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>",
                    LEFT, y, LEFT + plotW, y));
            sb.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>", LEFT - 5, y, LEFT, y));
            sb.append(f(
                    "<text class=\"tick\" x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                    LEFT - 8, y + 4, Scale.label(t)));
        }
        for (double t : sx.ticks()) {
            double x = sx.map(t);
            sb.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>", x, TOP, x, bottom));
            sb.append(
                    f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>", x, bottom, x, bottom + 5));
            sb.append(f(
                    "<text class=\"tick\" x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                    x, bottom + 18, Scale.label(t)));
        }
        sb.append(f(
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>",
                LEFT, TOP, plotW, PLOT_HEIGHT));
        sb.append(f(
                "<text class=\"axis-label\" x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
                LEFT + plotW / 2, bottom + 36, Html.escape(axisLabel(xLabel, xUnit, sx.log()))));
        int cy = TOP + PLOT_HEIGHT / 2;
        sb.append(f(
                "<text class=\"axis-label\" x=\"16\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\""
                        + " transform=\"rotate(-90 16 %d)\">%s</text>",
                cy, cy, Html.escape(axisLabel(yLabel, yUnit, sy.log()))));
    }

    private static String axisLabel(String label, String unit, boolean log) {
        return label + (unit == null || unit.isEmpty() ? "" : " (" + unit + ")") + (log ? ", log scale" : "");
    }

    private static void draw(StringBuilder sb, Series s, String color, Scale sx, Scale sy) {
        if (s.low() != null) {
            StringBuilder upper = new StringBuilder();
            StringBuilder lower = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.low()[i]) && Double.isFinite(s.high()[i])) {
                    upper.append(f("%.1f,%.1f ", sx.map(s.x()[i]), sy.map(s.high()[i])));
                    lower.insert(
                            0,
                            f(
                                    "%.1f,%.1f ",
                                    sx.map(s.x()[i]),
                                    sy.map(Math.max(s.low()[i], sy.log() ? sy.min() : -Double.MAX_VALUE))));
                }
            }
            if (upper.length() > 0) {
                sb.append(f(
                        "<polygon class=\"band\" points=\"%s%s\" fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\"/>",
                        upper, lower, color));
            }
        }
        if (s.line()) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i <= s.x().length; i++) {
                boolean ok = i < s.x().length && Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]);
                if (ok) {
                    pts.append(f("%.1f,%.1f ", sx.map(s.x()[i]), sy.map(s.y()[i])));
                } else if (pts.length() > 0) {
                    sb.append(f(
                            "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"%s\"/>",
                            color, pts.toString().trim()));
                    pts.setLength(0);
                }
            }
        }
        if (s.points()) {
            double r = s.x().length > 500 ? 1.3 : 2.8;
            sb.append(f("<g class=\"series-points\" fill=\"%s\">", color));
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    sb.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>", sx.map(s.x()[i]), sy.map(s.y()[i]), r));
                }
            }
            sb.append("</g>");
        }
    }

    /** Legend entries in rows below the plot area, wrapped to the width. */
    private static String legend(List<String[]> entries, int top, int[] rows) {
        StringBuilder sb = new StringBuilder("<g class=\"legend\" font-size=\"12\">");
        int x = LEFT;
        int row = 0;
        for (String[] e : entries) {
            int w = 30 + (int) (e[0].length() * 6.6) + 18;
            if (x + w > WIDTH - RIGHT && x > LEFT) {
                row++;
                x = LEFT;
            }
            int y = top + row * 18;
            if (e[2].equals("shade")) {
                sb.append(f(
                        "<rect x=\"%d\" y=\"%d\" width=\"22\" height=\"10\" fill=\"%s\" fill-opacity=\"0.15\" stroke=\"%s\"/>",
                        x, y - 9, e[1], e[1]));
            } else {
                sb.append(f(
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>",
                        x, y - 4, x + 22, y - 4, e[1]));
                sb.append(f("<circle cx=\"%d\" cy=\"%d\" r=\"2.8\" fill=\"%s\"/>", x + 11, y - 4, e[1]));
            }
            sb.append(f("<text x=\"%d\" y=\"%d\">%s</text>", x + 28, y, Html.escape(e[0])));
            x += w;
        }
        rows[0] = entries.isEmpty() ? 0 : row + 1;
        return sb.append("</g>").toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
