package io.aiwatch.source.inference;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Snapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Run in a child JVM with the launcher's heap (-Xmx96m) by {@link SeriesBudgetTest}: scrapes every
 * URL given as one target each, all at once, {@code rounds} times, as the daemon's collector
 * threads would. Prints one {@code target=... up=... dropped=...} line per target and exits 0;
 * an OutOfMemoryError kills it with another status.
 */
public final class SeriesBudgetHeapMain {
    private SeriesBudgetHeapMain() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        List<InferenceConfig.Target> targets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            targets.add(InferenceConfig.Target.of(args[i], "t" + i, "30s", "20s"));
        }
        List<Collector> collectors = InferenceCollectors.create(new InferenceConfig(targets), Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(collectors.size());
        List<Snapshot> last = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<Future<Snapshot>> running = new ArrayList<>();
            for (Collector c : collectors) {
                running.add(pool.submit(c::collect));
            }
            last.clear();
            for (Future<Snapshot> f : running) {
                last.add(f.get());
            }
        }
        pool.shutdown();
        for (Snapshot s : last) {
            VllmCollector.Status st = s.detail(VllmCollector.STATUS);
            double dropped = s.families().stream()
                    .filter(f -> f.name().equals("aiwatch_inference_series_dropped_total"))
                    .mapToDouble(f -> f.samples().get(0).value())
                    .sum();
            System.out.println("target=" + st.target() + " up=" + st.up() + " dropped=" + (long) dropped + " error="
                    + st.lastError());
        }
        System.out.println("maxMemory=" + Runtime.getRuntime().maxMemory());
    }
}
