package io.aiwatch.tool.experiment.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * {@code histograms.json}: metric → base64 of HdrHistogram's compressed encoding (values in
 * nanoseconds), the same encoding the load generator's result files carry, so a step's
 * iterations add up exactly.
 */
public final class HistogramCodec {
    private HistogramCodec() {}

    public static void write(Path file, Map<String, Histogram> histograms) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : histograms.entrySet()) {
            ByteBuffer buf = ByteBuffer.allocate(e.getValue().getNeededByteBufferCapacity() + 64);
            int n = e.getValue().encodeIntoCompressedByteBuffer(buf);
            out.put(e.getKey(), Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n)));
        }
        RunDirectory.writeJson(file, out);
    }

    public static Map<String, Histogram> read(Path file) throws IOException {
        Map<String, Histogram> out = new LinkedHashMap<>();
        for (var e : RunDirectory.readJsonMap(file).entrySet()) {
            try {
                out.put(
                        e.getKey(),
                        Histogram.decodeFromCompressedByteBuffer(
                                ByteBuffer.wrap(Base64.getDecoder().decode(String.valueOf(e.getValue()))), 0));
            } catch (DataFormatException | IllegalArgumentException ex) {
                throw new IOException(file + ": histogram '" + e.getKey() + "' is corrupt: " + ex.getMessage());
            }
        }
        return out;
    }
}
