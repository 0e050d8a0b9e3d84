package io.aiwatch.tool.cuda.bench;

import java.util.List;
import java.util.Locale;

/**
 * Where a decode configuration sits between the bandwidth-bound and compute-bound regimes, given the
 * measured ceilings (device copy bandwidth and tensor-core FLOP/s), and an SVG plot of all of them.
 *
 * @param peakBytesPerSecond measured memory ceiling (bytes/s)
 * @param peakFlopsPerSecond measured tensor-core ceiling (FLOP/s)
 */
public record Roofline(double peakBytesPerSecond, double peakFlopsPerSecond) {

    /** FLOPs per byte at which the two ceilings meet. */
    public double ridge() {
        return peakFlopsPerSecond / peakBytesPerSecond;
    }

    /** FLOP/s the roofline allows at arithmetic intensity {@code ai}. */
    public double attainable(double ai) {
        return Math.min(peakFlopsPerSecond, ai * peakBytesPerSecond);
    }

    /** "memory" below the ridge, "compute" above. */
    public String bound(double ai) {
        return ai < ridge() ? "memory" : "compute";
    }

    /** Achieved FLOP/s as a fraction of what the roofline allows at that intensity. */
    public double fraction(DecodeResult r) {
        double a = attainable(r.arithmeticIntensity());
        return a == 0 ? 0 : r.flopsPerSecond() / a;
    }

    /** A log-log roofline plot with one labelled point per configuration that ran. */
    public String svg(List<DecodeResult> results) {
        int w = 720;
        int h = 440;
        int left = 70;
        int bottom = 50;
        double xMin = 0.1;
        double xMax = 10000;
        double yMin = 1e11;
        double yMax = Math.pow(10, Math.ceil(Math.log10(peakFlopsPerSecond * 1.5)));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                w,
                h));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        java.util.function.DoubleUnaryOperator px = x ->
                left + (Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin)) * (w - left - 20);
        java.util.function.DoubleUnaryOperator py = y -> (h - bottom)
                - (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) * (h - bottom - 20);
        for (double x = xMin; x <= xMax * 1.01; x *= 10) {
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px.applyAsDouble(x),
                    px.applyAsDouble(x),
                    h - bottom,
                    px.applyAsDouble(x),
                    h - bottom + 15,
                    fmt(x)));
        }
        for (double y = yMin; y <= yMax * 1.01; y *= 10) {
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left,
                    py.applyAsDouble(y),
                    w - 20,
                    py.applyAsDouble(y),
                    left - 5,
                    py.applyAsDouble(y) + 4,
                    fmt(y / 1e12) + " TF"));
        }
        double r = ridge();
        double xStart = Math.max(xMin, yMin / peakBytesPerSecond);
        sb.append(String.format(
                Locale.ROOT,
                "<polyline fill=\"none\" stroke=\"black\" stroke-width=\"2\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>%n",
                px.applyAsDouble(xStart),
                py.applyAsDouble(attainable(xStart)),
                px.applyAsDouble(r),
                py.applyAsDouble(peakFlopsPerSecond),
                px.applyAsDouble(xMax),
                py.applyAsDouble(peakFlopsPerSecond)));
        String[] colours = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"};
        for (DecodeResult d : results) {
            if (!"ok".equals(d.status()) || d.flopsPerSecond() <= 0) {
                continue;
            }
            int c = Math.abs(d.model().hashCode()) % colours.length;
            double x = px.applyAsDouble(Math.max(xMin, d.arithmeticIntensity()));
            double y = py.applyAsDouble(Math.max(yMin, d.flopsPerSecond()));
            sb.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">%s b%d</text>%n",
                    x,
                    y,
                    colours[c],
                    x + 6,
                    y - 4,
                    d.model(),
                    d.batch()));
        }
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">arithmetic intensity (FLOP/byte); ridge %.0f</text>%n",
                (w + left) / 2,
                h - 10,
                r));
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"14\">decode steps on the roofline: %.2f TB/s, %.0f TFLOP/s (measured ceilings)</text>%n",
                left,
                peakBytesPerSecond / 1e12,
                peakFlopsPerSecond / 1e12));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String fmt(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
