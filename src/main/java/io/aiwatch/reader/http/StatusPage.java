package io.aiwatch.reader.http;

import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.source.gpu.GpuStatus;
import io.aiwatch.source.gpu.GpuTopology;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** {@code GET /}: a small human page: GPUs, collectors with their last errors, and links. */
final class StatusPage {
    private final SnapshotStore store;
    private final String version;
    private final Supplier<List<String>> notes;

    /**
     * @param notes start-up notes worth showing (fields of the counters CSV that are not provided, ...)
     */
    StatusPage(SnapshotStore store, String version, Supplier<List<String>> notes) {
        this.store = store;
        this.version = version;
        this.notes = notes;
    }

    void handle(Context ctx) {
        Instant now = store.now();
        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>aiwatch</title><style>")
                .append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.down{color:#b00}.up{color:#070}")
                .append("</style></head><body><h1>aiwatch ")
                .append(esc(version))
                .append("</h1>")
                .append(
                        "<p><a href=\"metrics\">metrics</a> · <a href=\"ready\">ready</a> · <a href=\"health\">health</a></p>");

        h.append(
                "<h2>Collectors</h2><table><tr><th>collector</th><th>state</th><th>age</th><th>runs</th><th>failures</th><th>last error</th></tr>");
        for (CollectorState s : store.states()) {
            boolean up = s.isUp(now);
            Duration age = s.age(now);
            h.append("<tr><td>")
                    .append(esc(s.name()))
                    .append("</td><td class=\"")
                    .append(up ? "up\">up" : "down\">down")
                    .append("</td><td>")
                    .append(age == null ? "-" : age.toMillis() + " ms")
                    .append("</td><td>")
                    .append(s.runs())
                    .append("</td><td>")
                    .append(s.failures())
                    .append("</td><td>")
                    .append(
                            s.problem(now) != null
                                    ? esc(s.problem(now))
                                    : esc(s.lastError() == null ? "" : s.lastError()))
                    .append("</td></tr>");
        }
        h.append("</table>");

        h.append("<h2>GPUs</h2>");
        GpuStatus gpus = store.detail(GpuStatus.DEVICES);
        if (gpus == null) {
            h.append("<p>No GPU data.</p>");
        } else {
            h.append("<p>backend ")
                    .append(esc(gpus.backend()))
                    .append(", driver ")
                    .append(esc(gpus.driverVersion()))
                    .append("</p>");
            h.append(
                    "<table><tr><th>gpu</th><th>UUID</th><th>PCI bus id</th><th>model</th><th>state</th><th>unsupported</th></tr>");
            for (GpuStatus.Device d : gpus.devices()) {
                h.append("<tr><td>")
                        .append(d.info().index())
                        .append("</td><td>")
                        .append(esc(d.info().uuid()))
                        .append("</td><td>")
                        .append(esc(d.info().pciBusId()))
                        .append("</td><td>")
                        .append(esc(d.info().modelName()))
                        .append("</td><td class=\"")
                        .append(d.up() ? "up\">up" : "down\">lost: " + esc(d.problem()))
                        .append("</td><td>")
                        .append(esc(String.join(", ", new java.util.TreeSet<>(d.unsupported()))))
                        .append("</td></tr>");
            }
            h.append("</table>");
        }
        GpuTopology topology = store.detail(GpuTopology.KEY);
        if (topology != null && !topology.isEmpty()) {
            h.append(TopologyTable.html(topology));
        }
        List<String> n = notes.get();
        if (!n.isEmpty()) {
            h.append("<h2>Notes</h2><ul>");
            for (String s : n) {
                h.append("<li>").append(esc(s)).append("</li>");
            }
            h.append("</ul>");
        }
        h.append("</body></html>");
        ctx.contentType("text/html; charset=utf-8").result(h.toString());
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
