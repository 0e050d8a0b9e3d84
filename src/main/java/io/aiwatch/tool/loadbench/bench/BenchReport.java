package io.aiwatch.tool.loadbench.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a storage benchmark run measured, raw runs first: every run of aiwatch and of fio
 * with its cache state, the machine's load and what the daemon saw; then the comparisons derived
 * from them, and the negative results (tiers that could not be made, cache states that could not
 * be reached, methods a filesystem refused). Written as JSON and as Markdown by {@link ReportWriter}.
 *
 * @param environment host, kernel, CPUs, fio and Java versions, date
 * @param tiers       the tiers tried, available or not
 * @param runs        every run in the order it ran
 * @param comparisons aiwatch against fio per configuration
 * @param negatives   what could not be measured, and why
 */
public record BenchReport(
        Map<String, String> environment,
        List<TierOutcome> tiers,
        List<Run> runs,
        List<Comparison> comparisons,
        List<String> negatives) {

    public BenchReport {
        environment = Map.copyOf(environment);
        tiers = List.copyOf(tiers);
        runs = List.copyOf(runs);
        comparisons = List.copyOf(comparisons);
        negatives = List.copyOf(negatives);
    }

    /**
     * A tier and the file loaded from it.
     *
     * @param tier        disk, xfs, tmpfs, zfs, or {@code given} for a file loaded in place
     * @param fsType      filesystem type
     * @param setup       what was made
     * @param file        the file read
     * @param fileBytes   its size
     * @param devices     block devices under it, nearest first (empty for tmpfs)
     * @param deviceClass the daemon's class of the nearest device, {@code memory} without one
     * @param unavailable why the tier could not be used, or null
     */
    public record TierOutcome(
            String tier,
            String fsType,
            String setup,
            String file,
            long fileBytes,
            List<String> devices,
            String deviceClass,
            String unavailable) {}

    /**
     * One run of one tool.
     *
     * @param tier            tier name
     * @param kind            {@code load} (the model loader) or {@code random} (dataset pattern)
     * @param config          {@code direct x4 1MiB} or {@code 4k-qd32-direct}
     * @param cache           cold or warm; {@code direct} for random O_DIRECT reads
     * @param iteration       1-based
     * @param tool            aiwatch or fio
     * @param bytes           bytes read
     * @param seconds         duration
     * @param cpuSeconds      CPU time of the reading threads (aiwatch) or of fio's jobs, s
     * @param bytesPerSecond  throughput
     * @param iops            reads per second
     * @param latencyMs       latency percentiles p50, p90, p99, p99.9 in ms (random runs; empty otherwise)
     * @param passes          passes over the file (warm runs)
     * @param residentBefore  bytes of the file in the page cache when the run started
     * @param loadAverage1m   1-minute load average at the start
     * @param cpuBusy         busy fraction of all CPUs during the run
     * @param daemon          what the daemon's storage collectors saw during the run
     * @param destination     where the bytes went (host, discard, gpu)
     * @param extra           destination figures (for example the GPU's host-to-device copy rate)
     */
    public record Run(
            String tier,
            String kind,
            String config,
            String cache,
            int iteration,
            String tool,
            long bytes,
            double seconds,
            double cpuSeconds,
            double bytesPerSecond,
            double iops,
            List<Double> latencyMs,
            int passes,
            long residentBefore,
            double loadAverage1m,
            double cpuBusy,
            DaemonObserver.Seen daemon,
            String destination,
            Map<String, Double> extra) {}

    /**
     * aiwatch against fio for one configuration: medians over the iterations.
     *
     * @param ratio              aiwatch / fio throughput
     * @param withinFivePercent  0.95 ≤ ratio ≤ 1.05
     * @param h2dBytesPerSecond  with the GPU as destination: the pinned host-to-device copy rate measured
     *                           in the same process (median); 0 otherwise
     * @param gpuRatio           with the GPU: aiwatch end to end / min(fio read, pinned copy); 0 otherwise
     * @param cpuEfficiencyRatio aiwatch's bytes per CPU second / fio's (medians): on a loaded machine wall
     *                           throughput mostly measures the CPU share each tool got; this does not
     * @param pairRatioLow       lowest aiwatch/fio ratio of one iteration's pair (the spread the noise gives)
     * @param pairRatioHigh      highest such ratio
     */
    public record Comparison(
            String tier,
            String kind,
            String config,
            String cache,
            int iterations,
            double aiwatchBytesPerSecond,
            double fioBytesPerSecond,
            double ratio,
            boolean withinFivePercent,
            double h2dBytesPerSecond,
            double gpuRatio,
            double cpuEfficiencyRatio,
            double pairRatioLow,
            double pairRatioHigh) {

        /** The target of this configuration: ±5 % of fio, or with the GPU ≥ 90 % of min(fio, copy). */
        public boolean meetsTarget() {
            return h2dBytesPerSecond > 0 ? gpuRatio >= 0.90 : withinFivePercent;
        }
    }

    /** Comparisons from the runs: medians of each tool per tier, kind, config and cache. */
    static List<Comparison> compare(List<Run> runs) {
        List<Comparison> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Run r : runs) {
            String key = r.tier() + "|" + r.kind() + "|" + r.config() + "|" + r.cache();
            if (seen.contains(key)) {
                continue;
            }
            seen.add(key);
            List<Double> a = new ArrayList<>();
            List<Double> f = new ArrayList<>();
            List<Double> h2d = new ArrayList<>();
            List<Double> aCpu = new ArrayList<>();
            List<Double> fCpu = new ArrayList<>();
            Map<Integer, double[]> pairs = new java.util.TreeMap<>();
            for (Run x : runs) {
                if ((x.tier() + "|" + x.kind() + "|" + x.config() + "|" + x.cache()).equals(key)) {
                    boolean isFio = x.tool().equals("fio");
                    (isFio ? f : a).add(x.bytesPerSecond());
                    if (x.cpuSeconds() > 0) {
                        (isFio ? fCpu : aCpu).add(x.bytes() / x.cpuSeconds());
                    }
                    pairs.computeIfAbsent(x.iteration(), i -> new double[2])[isFio ? 1 : 0] = x.bytesPerSecond();
                    Double copy = x.extra() == null ? null : x.extra().get("h2d_pinned_bytes_per_s");
                    if (copy != null && copy > 0) {
                        h2d.add(copy);
                    }
                }
            }
            if (a.isEmpty() || f.isEmpty()) {
                continue;
            }
            double ma = median(a);
            double mf = median(f);
            double ratio = mf == 0 ? 0 : ma / mf;
            double copy = h2d.isEmpty() ? 0 : median(h2d);
            double gpu = copy > 0 ? ma / Math.min(mf, copy) : 0;
            double cpuRatio = aCpu.isEmpty() || fCpu.isEmpty() ? 0 : median(aCpu) / median(fCpu);
            double low = Double.MAX_VALUE;
            double high = 0;
            for (double[] p : pairs.values()) {
                if (p[0] > 0 && p[1] > 0) {
                    low = Math.min(low, p[0] / p[1]);
                    high = Math.max(high, p[0] / p[1]);
                }
            }
            out.add(new Comparison(
                    r.tier(),
                    r.kind(),
                    r.config(),
                    r.cache(),
                    a.size(),
                    ma,
                    mf,
                    ratio,
                    ratio >= 0.95 && ratio <= 1.05,
                    copy,
                    gpu,
                    cpuRatio,
                    high == 0 ? 0 : low,
                    high));
        }
        return out;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
