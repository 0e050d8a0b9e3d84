package io.aiwatch.tool.cuda.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Markdown report of a {@link P2pResult}: bandwidth and latency matrices (rows: source GPU,
 * columns: destination), the host-staged comparison, the concurrent run and, with PyTorch, ratios
 * aiwatch/PyTorch per pair. Pure: tests feed it recorded numbers.
 */
public final class P2pReport {
    private P2pReport() {}

    public static String markdown(P2pResult r) {
        StringBuilder m = new StringBuilder(4096);
        m.append("# GPU peer-to-peer (aiwatch bench p2p)\n\n");
        m.append(String.format(
                Locale.ROOT,
                "%s · %d GPUs · %s per copy · median of %d\n\n",
                r.date(),
                r.gpus().size(),
                mib(r.bytes()),
                r.repeats()));
        for (int i = 0; i < r.gpus().size(); i++) {
            m.append("- GPU").append(i).append(": ").append(r.gpus().get(i)).append('\n');
        }
        m.append("\n## cuMemcpyPeerAsync bandwidth, GB/s (row: source, column: destination)\n\n");
        matrix(m, r, p -> gb(p.peerBytesPerSecond()) + (p.peerAccess() ? "" : " (staged)"));
        m.append("\n## Latency of a 4-byte peer copy, µs\n\n");
        matrix(m, r, p -> String.format(Locale.ROOT, "%.1f", p.peerLatencySeconds() * 1e6));
        m.append("\n## Through pinned host memory, GB/s (peer / staged)\n\n");
        matrix(
                m,
                r,
                p -> gb(p.stagedBytesPerSecond())
                        + String.format(Locale.ROOT, " (×%.1f)", p.peerBytesPerSecond() / p.stagedBytesPerSecond()));
        if (r.concurrent() != null) {
            m.append(String.format(
                    Locale.ROOT,
                    "\n## All pairs at once\n\n%d copies in flight: %s GB/s in total, slowest pair %s GB/s.\n",
                    r.concurrent().streams(),
                    gb(r.concurrent().totalBytesPerSecond()),
                    gb(r.concurrent().minPairBytesPerSecond())));
        }
        Map<String, Double> ratios = ratios(r);
        if (!ratios.isEmpty()) {
            m.append(
                    "\n## aiwatch / PyTorch (same call)\n\n| figure | aiwatch | PyTorch | ratio |\n|---|---|---|---|\n");
            for (Map.Entry<String, Double> e : ratios.entrySet()) {
                String key = e.getKey();
                m.append("| ")
                        .append(key)
                        .append(" | ")
                        .append(figure(key, ours(r, key)))
                        .append(" | ")
                        .append(figure(key, r.torch().get(key)))
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f", e.getValue()))
                        .append(" |\n");
            }
        }
        m.append("\nData check: ")
                .append(r.allChecked() ? "every pair passed" : "FAILED on some pair")
                .append('\n');
        return m.toString();
    }

    /**
     * aiwatch / PyTorch for every figure both have: {@code bw 0->1}, {@code lat 0->1}, {@code staged 0->1},
     * {@code concurrent}. For latency the ratio is PyTorch / aiwatch, so above 1 always means aiwatch is
     * better.
     */
    public static Map<String, Double> ratios(P2pResult r) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        if (r.torch() == null) {
            return out;
        }
        List<String> keys = new ArrayList<>();
        for (P2pResult.Pair p : r.pairs()) {
            keys.add("bw " + p.key());
        }
        for (P2pResult.Pair p : r.pairs()) {
            keys.add("lat " + p.key());
        }
        for (P2pResult.Pair p : r.pairs()) {
            keys.add("staged " + p.key());
        }
        keys.add("concurrent");
        for (String k : keys) {
            Double theirs = r.torch().get(k);
            Double ours = ours(r, k);
            if (theirs != null && ours != null && theirs > 0 && ours > 0) {
                out.put(k, k.startsWith("lat ") ? theirs / ours : ours / theirs);
            }
        }
        return out;
    }

    /**
     * The flat figures the experiment runner reads from {@code summary.json}: GB/s over the pairs
     * (min, median, max of peer copies; median staged), median latency in µs, the concurrent total, the
     * pairs without peer access and whether every data check passed (1/0).
     */
    public static Map<String, Double> summary(P2pResult r) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        double[] bw = r.pairs().stream()
                .mapToDouble(P2pResult.Pair::peerBytesPerSecond)
                .sorted()
                .toArray();
        double[] lat = r.pairs().stream()
                .mapToDouble(P2pResult.Pair::peerLatencySeconds)
                .toArray();
        double[] staged = r.pairs().stream()
                .mapToDouble(P2pResult.Pair::stagedBytesPerSecond)
                .toArray();
        if (bw.length > 0) {
            m.put("peer_min_gbps", bw[0] / 1e9);
            m.put("peer_median_gbps", new Samples(bw).median() / 1e9);
            m.put("peer_max_gbps", bw[bw.length - 1] / 1e9);
            m.put("latency_median_us", new Samples(lat).median() * 1e6);
            m.put("staged_median_gbps", new Samples(staged).median() / 1e9);
        }
        if (r.concurrent() != null) {
            m.put("concurrent_total_gbps", r.concurrent().totalBytesPerSecond() / 1e9);
        }
        m.put("pairs_without_peer_access", (double)
                r.pairs().stream().filter(p -> !p.peerAccess()).count());
        m.put("check_passed", r.allChecked() ? 1.0 : 0.0);
        ratios(r).forEach((k, v) -> m.put("ratio_" + k.replace(" ", "_").replace("->", "_to_"), v));
        return m;
    }

    private static Double ours(P2pResult r, String key) {
        if (key.equals("concurrent")) {
            return r.concurrent() == null ? null : r.concurrent().totalBytesPerSecond();
        }
        String[] kv = key.split(" ", 2);
        for (P2pResult.Pair p : r.pairs()) {
            if (p.key().equals(kv[1])) {
                return switch (kv[0]) {
                    case "bw" -> p.peerBytesPerSecond();
                    case "lat" -> p.peerLatencySeconds();
                    case "staged" -> p.stagedBytesPerSecond();
                    default -> null;
                };
            }
        }
        return null;
    }

    private static String figure(String key, Double v) {
        if (v == null) {
            return "-";
        }
        return key.startsWith("lat ") ? String.format(Locale.ROOT, "%.1f µs", v * 1e6) : gb(v) + " GB/s";
    }

    private interface Cell {
        String of(P2pResult.Pair p);
    }

    private static void matrix(StringBuilder m, P2pResult r, Cell cell) {
        TreeSet<Integer> gpus = new TreeSet<>();
        r.pairs().forEach(p -> {
            gpus.add(p.src());
            gpus.add(p.dst());
        });
        m.append("| src \\ dst |");
        gpus.forEach(g -> m.append(" GPU").append(g).append(" |"));
        m.append("\n|---|");
        gpus.forEach(g -> m.append("---|"));
        m.append('\n');
        for (int s : gpus) {
            m.append("| GPU").append(s).append(" |");
            for (int d : gpus) {
                P2pResult.Pair p = null;
                for (P2pResult.Pair x : r.pairs()) {
                    if (x.src() == s && x.dst() == d) {
                        p = x;
                    }
                }
                m.append(' ')
                        .append(s == d ? "-" : p == null ? "n/a" : cell.of(p))
                        .append(" |");
            }
            m.append('\n');
        }
    }

    static String gb(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f", bytesPerSecond / 1e9);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
