package io.aiwatch.reader.http;

import io.aiwatch.source.gpu.GpuTopology;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The status page's "GPU interconnect" section: the matrix {@code nvidia-smi topo -m} prints (NV18,
 * PIX, SYS, ...) with NVML's NVLink peer-to-peer status, and each GPU's links (active/total, far ends).
 */
final class TopologyTable {
    private TopologyTable() {}

    static String html(GpuTopology t) {
        TreeSet<Integer> gpus = new TreeSet<>();
        t.pairs().forEach(p -> gpus.add(p.gpu()));
        t.links().forEach(l -> gpus.add(l.gpu()));
        StringBuilder h = new StringBuilder(1024);
        h.append("<h2>GPU interconnect</h2>");
        if (!t.pairs().isEmpty()) {
            h.append("<table class=\"topology\"><tr><th></th>");
            gpus.forEach(g -> h.append("<th>GPU").append(g).append("</th>"));
            h.append("</tr>");
            for (int a : gpus) {
                h.append("<tr><th>GPU").append(a).append("</th>");
                for (int b : gpus) {
                    GpuTopology.Pair p = a == b ? null : t.pair(a, b);
                    h.append("<td");
                    if (p != null && p.nvlinkP2p() != null) {
                        h.append(" title=\"NVLink P2P ")
                                .append(StatusPage.esc(p.nvlinkP2p().label()))
                                .append("\"");
                    }
                    h.append(">")
                            .append(a == b ? "X" : p == null ? "-" : StatusPage.esc(p.matrixCell()))
                            .append("</td>");
                }
                h.append("</tr>");
            }
            h.append("</table>");
        }
        if (!t.links().isEmpty()) {
            h.append("<table class=\"nvlinks\"><tr><th>gpu</th><th>NVLinks active</th><th>far ends</th></tr>");
            for (int g : gpus) {
                int total = 0;
                int active = 0;
                Map<String, Integer> ends = new TreeMap<>();
                for (GpuTopology.Link l : t.links()) {
                    if (l.gpu() != g) {
                        continue;
                    }
                    total++;
                    if (l.active()) {
                        active++;
                        String end = l.peerGpu() >= 0
                                ? "GPU" + l.peerGpu()
                                : l.remoteType().label() + " " + l.remotePciBusId();
                        ends.merge(end.trim(), 1, Integer::sum);
                    }
                }
                if (total == 0) {
                    continue;
                }
                StringBuilder e = new StringBuilder();
                ends.forEach((k, v) -> e.append(e.length() == 0 ? "" : ", ")
                        .append(k)
                        .append(" ×")
                        .append(v));
                h.append("<tr><td>")
                        .append(g)
                        .append("</td><td class=\"")
                        .append(active == total ? "up\">" : "down\">")
                        .append(active)
                        .append("/")
                        .append(total)
                        .append("</td><td>")
                        .append(StatusPage.esc(e.toString()))
                        .append("</td></tr>");
            }
            h.append("</table>");
        }
        return h.toString();
    }
}
