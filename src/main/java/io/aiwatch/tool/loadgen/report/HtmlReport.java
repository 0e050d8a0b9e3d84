package io.aiwatch.tool.loadgen.report;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.result.OwnFields;
import io.aiwatch.tool.loadgen.result.Percentiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML report (inline SVG, no scripts or network): latency over time (TTFT and
 * E2EL of each request by send time, at most 4,000 points), CDFs of TTFT, TPOT, ITL and E2EL,
 * and the summary table.
 */
public final class HtmlReport {
    private static final int W = 760;
    private static final int H = 300;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

    private HtmlReport() {}

    public static void write(Path file, Map<String, Object> result, List<RequestRecord> records) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>aiwatch loadgen report</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}td{padding:2px 10px}svg{border:1px solid #ccc}"
                        + ".warn{color:#b00;font-weight:bold}</style></head><body>");
        sb.append("<h1>aiwatch loadgen: ")
                .append(esc(String.valueOf(result.get("model_id"))))
                .append("</h1>");
        if (result.get("warnings") instanceof List<?> w) {
            for (Object x : w) {
                sb.append("<p class=\"warn\">").append(esc(String.valueOf(x))).append("</p>");
            }
        }
        sb.append("<h2>Latency over time</h2>");
        List<double[]> ttft = new ArrayList<>();
        List<double[]> e2el = new ArrayList<>();
        int step = Math.max(1, records.size() / 4000);
        for (int i = 0; i < records.size(); i += step) {
            RequestRecord r = records.get(i);
            if (!r.ok()) {
                continue;
            }
            e2el.add(new double[] {r.sendNanos() / 1e9, r.e2elNanos() / 1e6});
            if (r.ttftNanos() >= 0) {
                ttft.add(new double[] {r.sendNanos() / 1e9, r.ttftNanos() / 1e6});
            }
        }
        scatter(sb, List.of(e2el, ttft), List.of("E2EL", "TTFT"), "send time (s)", "latency (ms)");
        sb.append("<h2>Cumulative distributions</h2>");
        Map<String, double[]> values = OwnFields.values(records, false);
        List<List<double[]>> cdfs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String m : List.of("ttft", "tpot", "itl", "e2el")) {
            double[] v = Percentiles.sorted(values.get(m));
            if (v.length == 0) {
                continue;
            }
            List<double[]> pts = new ArrayList<>();
            int s = Math.max(1, v.length / 1000);
            for (int i = 0; i < v.length; i += s) {
                pts.add(new double[] {v[i], (i + 1.0) / v.length});
            }
            pts.add(new double[] {v[v.length - 1], 1.0});
            cdfs.add(pts);
            names.add(m.toUpperCase(Locale.ROOT));
        }
        lines(sb, cdfs, names);
        sb.append("<h2>Summary</h2><table>");
        for (var e : result.entrySet()) {
            if (e.getValue() instanceof List
                    || e.getValue() instanceof Map && !e.getKey().equals("errors_by_reason")) {
                continue;
            }
            sb.append("<tr><td>")
                    .append(esc(e.getKey()))
                    .append("</td><td>")
                    .append(esc(String.valueOf(e.getValue())))
                    .append("</td></tr>");
        }
        sb.append("</table></body></html>\n");
        try {
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LoadgenException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void scatter(
            StringBuilder sb, List<List<double[]>> series, List<String> names, String xl, String yl) {
        double[] b = bounds(series);
        svgOpen(sb, b, xl, yl);
        for (int s = 0; s < series.size(); s++) {
            for (double[] p : series.get(s)) {
                sb.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"%s\"/>",
                        x(p[0], b),
                        y(p[1], b),
                        COLORS[s]));
            }
        }
        legend(sb, names);
        sb.append("</svg>");
    }

    private static void lines(StringBuilder sb, List<List<double[]>> series, List<String> names) {
        double[] b = bounds(series);
        b[2] = 0;
        b[3] = 1;
        svgOpen(sb, b, "latency (ms)", "fraction of samples");
        for (int s = 0; s < series.size(); s++) {
            sb.append("<polyline fill=\"none\" stroke=\"").append(COLORS[s]).append("\" points=\"");
            for (double[] p : series.get(s)) {
                sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p[0], b), y(p[1], b)));
            }
            sb.append("\"/>");
        }
        legend(sb, names);
        sb.append("</svg>");
    }

    private static double[] bounds(List<List<double[]>> series) {
        double[] b = {Double.MAX_VALUE, -Double.MAX_VALUE, 0, -Double.MAX_VALUE};
        for (List<double[]> s : series) {
            for (double[] p : s) {
                b[0] = Math.min(b[0], p[0]);
                b[1] = Math.max(b[1], p[0]);
                b[3] = Math.max(b[3], p[1]);
            }
        }
        if (b[0] > b[1]) {
            return new double[] {0, 1, 0, 1};
        }
        if (b[1] == b[0]) {
            b[1] = b[0] + 1;
        }
        if (b[3] <= 0) {
            b[3] = 1;
        }
        return b;
    }

    private static void svgOpen(StringBuilder sb, double[] b, String xl, String yl) {
        sb.append("<svg width=\"")
                .append(W + 80)
                .append("\" height=\"")
                .append(H + 60)
                .append("\">");
        sb.append("<line x1=\"60\" y1=\"")
                .append(H + 10)
                .append("\" x2=\"")
                .append(W + 60)
                .append("\" y2=\"")
                .append(H + 10)
                .append("\" stroke=\"#000\"/><line x1=\"60\" y1=\"10\" x2=\"60\" y2=\"")
                .append(H + 10)
                .append("\" stroke=\"#000\"/>");
        sb.append(String.format(Locale.ROOT, "<text x=\"60\" y=\"%d\" font-size=\"11\">%.3g</text>", H + 25, b[0]));
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.3g</text>",
                W + 60,
                H + 25,
                b[1]));
        sb.append(String.format(
                Locale.ROOT, "<text x=\"55\" y=\"15\" font-size=\"11\" text-anchor=\"end\">%.3g</text>", b[3]));
        sb.append(String.format(
                Locale.ROOT, "<text x=\"55\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.3g</text>", H + 10, b[2]));
        sb.append("<text x=\"")
                .append(W / 2 + 60)
                .append("\" y=\"")
                .append(H + 45)
                .append("\" font-size=\"12\" text-anchor=\"middle\">")
                .append(esc(xl))
                .append("</text>");
        sb.append("<text x=\"12\" y=\"")
                .append(H / 2)
                .append("\" font-size=\"12\" transform=\"rotate(-90 12 ")
                .append(H / 2)
                .append(")\" text-anchor=\"middle\">")
                .append(esc(yl))
                .append("</text>");
    }

    private static void legend(StringBuilder sb, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            sb.append("<text x=\"")
                    .append(W - 40)
                    .append("\" y=\"")
                    .append(25 + 15 * i)
                    .append("\" fill=\"")
                    .append(COLORS[i])
                    .append("\" font-size=\"12\">")
                    .append(esc(names.get(i)))
                    .append("</text>");
        }
    }

    private static double x(double v, double[] b) {
        return 60 + (v - b[0]) / (b[1] - b[0]) * W;
    }

    private static double y(double v, double[] b) {
        return 10 + H - (v - b[2]) / (b[3] - b[2]) * H;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
