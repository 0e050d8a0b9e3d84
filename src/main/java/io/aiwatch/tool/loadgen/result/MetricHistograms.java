package io.aiwatch.tool.loadgen.result;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * HdrHistograms (nanoseconds, 3 significant digits) of ttft, tpot, itl, e2el and schedule_lag.
 * They travel in result files (compressed, base64) so worker results merge exactly: adding
 * histograms gives the histogram of the combined run, while averaging percentiles would not.
 */
public final class MetricHistograms {
    public static final List<String> METRICS = List.of("ttft", "tpot", "itl", "e2el", "schedule_lag");

    private final Map<String, Histogram> byMetric = new LinkedHashMap<>();

    public MetricHistograms() {
        for (String m : METRICS) {
            Histogram h = new Histogram(3);
            h.setAutoResize(true);
            byMetric.put(m, h);
        }
    }

    /** Histograms of the successful requests of a run (lag over all sent open-loop requests). */
    public static MetricHistograms of(List<RequestRecord> records, boolean openLoop) {
        MetricHistograms h = new MetricHistograms();
        for (RequestRecord r : records) {
            if (openLoop && r.outcome() != Outcome.CANCELLED) {
                h.get("schedule_lag").recordValue(Math.max(0, r.lagNanos()));
            }
            if (!r.ok()) {
                continue;
            }
            h.get("e2el").recordValue(Math.max(0, r.e2elNanos()));
            if (r.ttftNanos() >= 0) {
                h.get("ttft").recordValue(r.ttftNanos());
            }
            if (r.tpotNanos() >= 0) {
                h.get("tpot").recordValue(Math.round(r.tpotNanos()));
            }
            for (long g : r.itlNanos()) {
                h.get("itl").recordValue(Math.max(0, g));
            }
        }
        return h;
    }

    public Histogram get(String metric) {
        return byMetric.get(metric);
    }

    public void add(MetricHistograms other) {
        for (String m : METRICS) {
            byMetric.get(m).add(other.byMetric.get(m));
        }
    }

    /** metric -> base64 of the compressed histogram encoding. */
    public Map<String, String> encode() {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : byMetric.entrySet()) {
            ByteBuffer buf = ByteBuffer.allocate(e.getValue().getNeededByteBufferCapacity() + 64);
            int n = e.getValue().encodeIntoCompressedByteBuffer(buf);
            out.put(e.getKey(), Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n)));
        }
        return out;
    }

    public static MetricHistograms decode(Map<String, String> encoded, String source) {
        MetricHistograms h = new MetricHistograms();
        for (var e : encoded.entrySet()) {
            if (!h.byMetric.containsKey(e.getKey())) {
                continue;
            }
            try {
                Histogram d = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(e.getValue())), 0);
                h.byMetric.get(e.getKey()).add(d);
            } catch (DataFormatException | IllegalArgumentException ex) {
                throw new LoadgenException(source + ": histogram '" + e.getKey() + "' is corrupt: " + ex.getMessage());
            }
        }
        return h;
    }
}
