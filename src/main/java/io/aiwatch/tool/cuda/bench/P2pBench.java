package io.aiwatch.tool.cuda.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.aiwatch.tool.cuda.CudaContext;
import io.aiwatch.tool.cuda.CudaEvent;
import io.aiwatch.tool.cuda.CudaStream;
import io.aiwatch.tool.cuda.DeviceBuffer;
import io.aiwatch.tool.cuda.PinnedBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code aiwatch bench p2p}: peer-to-peer copies between the GPUs of one host with the driver API. For every
 * ordered pair: {@code cuDeviceCanAccessPeer}, {@code cuCtxEnablePeerAccess} both ways, then
 * {@code cuMemcpyPeerAsync} bandwidth (device-timed) and small-copy latency, the same bytes staged through
 * pinned host memory, and finally every pair copying at once. Optionally PyTorch ({@code torch_p2p.py})
 * measures the same in a child process afterwards, and the report gives ratios.
 *
 * <p>Only copies: no NVLink multicast object is ever created (the driver's multicast objects can take a
 * host's GPUs out of service; {@code BenchP2pCommandTest} keeps that call out of this package), and nothing
 * changes the cards' settings.
 */
public final class P2pBench {
    /** Bytes of one latency copy, and copies per latency batch. */
    static final int LATENCY_BYTES = 4;

    static final int LATENCY_BATCH = 100;

    /**
     * @param gpus           CUDA ordinals to use (at least two)
     * @param bytes          bytes per bandwidth copy
     * @param repeats        timed repetitions per figure
     * @param python         interpreter with torch for the peer, or null
     * @param outDir         where p2p-bench.json and p2p-bench.md go
     * @param timeoutSeconds limit of the PyTorch peer
     */
    public record Options(
            List<Integer> gpus, long bytes, int repeats, String python, Path outDir, long timeoutSeconds) {}

    private P2pBench() {}

    /**
     * The refusal with fewer than two GPUs, or null when there are enough.
     *
     * @param visible GPUs the driver sees
     */
    public static String refusal(int visible) {
        if (visible >= 2) {
            return null;
        }
        return "peer-to-peer needs at least 2 GPUs; the CUDA driver sees " + visible + (visible == 1 ? " GPU" : " GPUs")
                + " (check nvidia-smi and CUDA_VISIBLE_DEVICES).";
    }

    public static P2pResult run(Options o, PrintStream log) throws IOException, InterruptedException {
        Files.createDirectories(o.outDir());
        List<CudaContext> ctx = new ArrayList<>();
        List<P2pResult.Pair> pairs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        P2pResult.Concurrent concurrent;
        String date = Instant.now().toString();
        try {
            for (int g : o.gpus()) {
                ctx.add(CudaContext.open(g));
                names.add(ctx.get(ctx.size() - 1).info().name());
            }
            int n = ctx.size();
            boolean[][] peer = new boolean[n][n];
            for (int d = 0; d < n; d++) {
                for (int s = 0; s < n; s++) {
                    if (s != d && ctx.get(d).canAccessPeer(ctx.get(s))) {
                        ctx.get(d).enablePeerAccess(ctx.get(s));
                        peer[d][s] = true;
                    }
                }
            }
            List<DeviceBuffer> src = new ArrayList<>();
            List<CudaStream> streams = new ArrayList<>();
            try (PinnedBuffer pinned = ctx.get(0).allocatePinned(o.bytes())) {
                for (int i = 0; i < n; i++) {
                    streams.add(ctx.get(i).createStream());
                    DeviceBuffer b = ctx.get(i).allocate(o.bytes());
                    b.fillBytesAsync(pattern(i), streams.get(i));
                    src.add(b);
                }
                for (CudaStream s : streams) {
                    s.synchronize();
                }
                for (int s = 0; s < n; s++) {
                    for (int d = 0; d < n; d++) {
                        if (s != d) {
                            P2pResult.Pair p = pair(o, ctx, src, streams, pinned, s, d, peer[d][s]);
                            pairs.add(p);
                            log.printf(
                                    Locale.ROOT,
                                    "GPU%d -> GPU%d: peer %s GB/s%s, %.1f µs; staged %s GB/s%s%n",
                                    o.gpus().get(s),
                                    o.gpus().get(d),
                                    P2pReport.gb(p.peerBytesPerSecond()),
                                    p.peerAccess() ? "" : " (no peer access: staged by the driver)",
                                    p.peerLatencySeconds() * 1e6,
                                    P2pReport.gb(p.stagedBytesPerSecond()),
                                    p.checked() ? "" : " -- DATA CHECK FAILED");
                        }
                    }
                }
                concurrent = concurrent(o, ctx, src);
                log.printf(
                        Locale.ROOT,
                        "all %d pairs at once: %s GB/s total%n",
                        concurrent.streams(),
                        P2pReport.gb(concurrent.totalBytesPerSecond()));
            } finally {
                src.forEach(DeviceBuffer::close);
                streams.forEach(CudaStream::close);
            }
        } finally {
            for (int i = ctx.size() - 1; i >= 0; i--) {
                ctx.get(i).close();
            }
        }
        Map<String, Double> torch = o.python() == null ? null : torch(o);
        P2pResult r = new P2pResult(date, names, o.bytes(), o.repeats(), pairs, concurrent, torch);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(o.outDir().resolve("p2p-bench.json").toFile(), r);
        Files.writeString(o.outDir().resolve("p2p-bench.md"), P2pReport.markdown(r));
        return r;
    }

    private static byte pattern(int gpu) {
        return (byte) (0x10 + gpu);
    }

    private static P2pResult.Pair pair(
            Options o,
            List<CudaContext> ctx,
            List<DeviceBuffer> src,
            List<CudaStream> streams,
            PinnedBuffer pinned,
            int s,
            int d,
            boolean peerAccess) {
        CudaContext dc = ctx.get(d);
        CudaStream ds = streams.get(d);
        try (DeviceBuffer dst = dc.allocate(o.bytes());
                CudaEvent start = dc.createEvent();
                CudaEvent end = dc.createEvent()) {
            for (int w = 0; w < 2; w++) { // an idle link is slow to wake
                dst.copyFromPeerAsync(src.get(s), 0, 0, o.bytes(), ds);
            }
            ds.synchronize();
            double[] bw = new double[o.repeats()];
            double[] lat = new double[o.repeats()];
            double[] staged = new double[o.repeats()];
            for (int i = 0; i < o.repeats(); i++) {
                start.record(ds);
                dst.copyFromPeerAsync(src.get(s), 0, 0, o.bytes(), ds);
                end.record(ds);
                end.synchronize();
                bw[i] = CudaEvent.elapsedSeconds(start, end);
            }
            byte[] head = dst.read(0, 16);
            byte[] tail = dst.read(o.bytes() - 16, 16);
            boolean checked = all(head, pattern(s)) && all(tail, pattern(s));
            for (int i = 0; i < o.repeats(); i++) {
                start.record(ds);
                for (int k = 0; k < LATENCY_BATCH; k++) {
                    dst.copyFromPeerAsync(src.get(s), 0, 0, LATENCY_BYTES, ds);
                }
                end.record(ds);
                end.synchronize();
                lat[i] = CudaEvent.elapsedSeconds(start, end) / LATENCY_BATCH;
            }
            CudaStream ss = streams.get(s);
            for (int i = 0; i < o.repeats(); i++) {
                long t0 = System.nanoTime();
                src.get(s).downloadAsync(0, pinned, 0, o.bytes(), ss);
                ss.synchronize();
                dst.uploadAsync(0, pinned, 0, o.bytes(), ds);
                ds.synchronize();
                staged[i] = (System.nanoTime() - t0) / 1e9;
            }
            return new P2pResult.Pair(
                    s,
                    d,
                    peerAccess,
                    o.bytes() / new Samples(bw).median(),
                    new Samples(lat).median(),
                    o.bytes() / new Samples(staged).median(),
                    checked);
        }
    }

    /** Every ordered pair at once, each on a stream of its destination; median over the repeats. */
    private static P2pResult.Concurrent concurrent(Options o, List<CudaContext> ctx, List<DeviceBuffer> src) {
        int n = ctx.size();
        List<int[]> pairs = new ArrayList<>();
        List<DeviceBuffer> dst = new ArrayList<>();
        List<CudaStream> streams = new ArrayList<>();
        List<CudaEvent[]> events = new ArrayList<>();
        try {
            for (int s = 0; s < n; s++) {
                for (int d = 0; d < n; d++) {
                    if (s != d) {
                        pairs.add(new int[] {s, d});
                        dst.add(ctx.get(d).allocate(o.bytes()));
                        streams.add(ctx.get(d).createStream());
                        events.add(new CudaEvent[] {
                            ctx.get(d).createEvent(), ctx.get(d).createEvent()
                        });
                    }
                }
            }
            double[] total = new double[o.repeats()];
            double[] slowest = new double[o.repeats()];
            for (int r = 0; r < o.repeats(); r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < pairs.size(); i++) {
                    events.get(i)[0].record(streams.get(i));
                    dst.get(i).copyFromPeerAsync(src.get(pairs.get(i)[0]), 0, 0, o.bytes(), streams.get(i));
                    events.get(i)[1].record(streams.get(i));
                }
                double min = Double.MAX_VALUE;
                for (int i = 0; i < pairs.size(); i++) {
                    events.get(i)[1].synchronize();
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                for (int i = 0; i < pairs.size(); i++) {
                    min = Math.min(min, o.bytes() / CudaEvent.elapsedSeconds(events.get(i)[0], events.get(i)[1]));
                }
                total[r] = pairs.size() * (double) o.bytes() / wall;
                slowest[r] = min;
            }
            return new P2pResult.Concurrent(
                    pairs.size(), 1 / new Samples(invert(total)).median(), 1 / new Samples(invert(slowest)).median());
        } finally {
            events.forEach(e -> {
                e[0].close();
                e[1].close();
            });
            streams.forEach(CudaStream::close);
            dst.forEach(DeviceBuffer::close);
        }
    }

    private static double[] invert(double[] rates) {
        double[] out = new double[rates.length];
        for (int i = 0; i < rates.length; i++) {
            out[i] = 1 / rates[i];
        }
        return out;
    }

    private static boolean all(byte[] b, byte v) {
        for (byte x : b) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    /** Runs the packaged torch_p2p.py on the same GPUs (after aiwatch has released them) and reads its figures. */
    static Map<String, Double> torch(Options o) throws IOException, InterruptedException {
        Path script = o.outDir().resolve("torch_p2p.py");
        try (InputStream in = P2pBench.class.getResourceAsStream("torch_p2p.py")) {
            if (in == null) {
                throw new IllegalStateException("torch_p2p.py missing from the jar");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = o.outDir().resolve("torch_p2p.json");
        Path logFile = o.outDir().resolve("torch_p2p.log");
        List<String> cmd = new ArrayList<>(List.of(
                o.python(),
                script.toString(),
                "--out",
                out.toString(),
                "--bytes",
                Long.toString(o.bytes()),
                "--repeats",
                Integer.toString(o.repeats()),
                "--gpus",
                String.join(",", o.gpus().stream().map(String::valueOf).toList())));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        if (!p.waitFor(o.timeoutSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("PyTorch p2p peer did not finish in " + o.timeoutSeconds() + " s (" + logFile + ")");
        }
        if (p.exitValue() != 0) {
            throw new IOException("PyTorch p2p peer failed (exit " + p.exitValue() + "), see " + logFile);
        }
        return figures(new ObjectMapper().readTree(out.toFile()));
    }

    /** The numeric members of the peer's {@code figures} object. */
    static Map<String, Double> figures(JsonNode json) {
        Map<String, Double> m = new LinkedHashMap<>();
        JsonNode f = json.path("figures");
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNumber()) {
                m.put(e.getKey(), e.getValue().asDouble());
            }
        }
        return m;
    }
}
