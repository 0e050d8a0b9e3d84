package io.aiwatch.tool.loadgen.live;

import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * A progress line on stderr once a second: a bar, send rate, in flight, errors and the last
 * second's schedule-lag p99. Redrawn in place on a terminal, one line per 5 s otherwise.
 */
public final class Progress implements AutoCloseable {
    private final LiveMetrics live;
    private final long total;
    private final PrintStream out;
    private final boolean tty;
    private final Thread thread;
    private volatile boolean running = true;

    public Progress(LiveMetrics live, long total, PrintStream out) {
        this.live = live;
        this.total = total;
        this.out = out;
        this.tty = System.console() != null;
        this.thread = new Thread(this::loop, "loadgen-progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        long lastSent = live.sent();
        long lastT = System.nanoTime();
        int tick = 0;
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long sent = live.sent();
            double rate = (sent - lastSent) / ((now - lastT) / 1e9);
            lastSent = sent;
            lastT = now;
            Histogram lag = live.lagInterval();
            tick++;
            if (tty || tick % 5 == 0) {
                out.print(render(sent, rate, lag) + (tty ? "\r" : "\n"));
                out.flush();
            }
        }
    }

    public String render(long sent, double rate, Histogram lag) {
        int width = 30;
        boolean bounded = total > 0 && total < Integer.MAX_VALUE - 8;
        int filled = bounded ? (int) Math.min(width, width * sent / total) : 0;
        String bar = bounded
                ? "[" + "=".repeat(filled) + " ".repeat(width - filled) + "] " + sent + "/" + total
                : "sent " + sent;
        String lagText = lag.getTotalCount() > 0
                ? String.format(Locale.ROOT, " lag p99 %.2fms", lag.getValueAtPercentile(99) / 1000.0)
                : "";
        return String.format(
                Locale.ROOT,
                "%s %.1f req/s in-flight %d errors %d%s",
                bar,
                rate,
                live.inFlight(),
                live.errors(),
                lagText);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        if (tty) {
            out.println();
        }
    }
}
